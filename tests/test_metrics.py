"""Agenda metrics computed from a hand-made plan whose figures can be counted by hand."""

from __future__ import annotations

import warnings

from convening import EventBuilder, SlotKind
from convening.metrics import agenda_metrics, fair_bound, person_bound, rank_points
from convening.plan import Plan, Run
from convening.plotting import worst_off
from tests.factories import at


def _event():  # type: ignore[no-untyped-def]
    b = EventBuilder("Metrics", "Albany, NY", "America/New_York")
    b.add_city("c1", "One", "NY")
    b.add_participant("a", "A", city_id="c1", role="official")
    b.add_participant("b", "B", city_id="c1", role="official")
    b.add_participant("p", "P", city_id="c1", role="partner", departs=at(10.2))
    b.add_room("r1", "Room 1", 4)
    b.add_room("r2", "Room 2", 2)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_slot("b2", at(10.5), at(11.5), "breakout")
    b.add_slot("t1", at(13), at(15), "tour")
    b.add_session("x", "X", topic="housing")
    b.add_session("y", "Y", topic="housing")
    b.add_session("z", "Z", presenters="b")
    b.add_tour("bus", "Bus", 5)
    for pid, ranks in {"a": ["x", "y"], "b": ["y", "x"], "p": ["z", "x"]}.items():
        for rank, sid in enumerate(ranks, 1):
            b.add_preference(pid, sid, rank)
    b.add_preference("a", "bus", 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


def test_rank_points() -> None:
    assert [rank_points(r) for r in (None, 0, 1, 2, 8, 9)] == [0, 0, 8, 7, 1, 0]


def test_bounds_use_the_slots_a_person_is_present_for() -> None:
    event = _event()
    assert person_bound(event, "a", SlotKind.BREAKOUT) == 8 + 7
    assert person_bound(event, "p", SlotKind.BREAKOUT) == 8  # leaves after the first slot
    assert person_bound(event, "a", SlotKind.TOUR) == 7
    assert person_bound(event, "b", SlotKind.TOUR) == 0


def test_fair_bound_leaves_out_slots_where_a_person_presents() -> None:
    event = _event()
    # Before a plan, every run b presents takes a slot: one of two left.
    assert fair_bound(event, "b") == 8
    assert fair_bound(event, "b", presenting=[]) == 8 + 7  # in no run of z: both slots
    assert fair_bound(event, "b", presenting=["b1"]) == 8  # one slot left, z excluded
    assert fair_bound(event, "b", presenting=2) == 0
    assert fair_bound(event, "p") == person_bound(event, "p", SlotKind.BREAKOUT)


def _runs() -> list[Run]:
    return [
        # Slot 1: a and p in x; b presents z.
        Run("x", "breakout", "b1", "r1", ["a", "p"]),
        Run("z", "breakout", "b1", "r2", ["b"]),
        # Slot 2: a in y, b in x (the delegation is spread; x and y share a topic: one clash).
        Run("y", "breakout", "b2", "r2", ["a"]),
        Run("x", "breakout", "b2", "r1", ["b"]),
        Run("bus", "tour", "t1", None, ["a", "b"]),
    ]


def test_metrics_of_a_hand_made_plan() -> None:
    event = _event()
    runs = _runs()
    m = agenda_metrics(event, Plan(event, runs))
    # a: x (8) + y (7) = 15 of 15; b: x (7) of 15 (z is presented, not attended); p: x (7) of 8.
    assert m["preference_score_points"] == 15 + 7 + 7
    assert m["preference_score_bound"] == 15 + 15 + 8
    assert m["preference_score_pct"] == round(100 * 29 / 38, 2)
    # Worst-off uses the fair bound: b presents z in b1, so only b2 can earn points (y: 8);
    # b's share is 7/8, like p's (who leaves after b1), not 7/15.
    assert m["worst_off_share_pct"] == round(100 * 7 / 8, 2)
    assert m["first_choices"] == 1
    # Slot 1: three members in two runs cannot spread, so it does not count;
    # slot 2: a and b apart (spread).
    assert m["delegation_spread_pct"] == 100.0
    assert m["topic_clashes"] == 1
    assert m["tour_score_points"] == 7 and m["tour_score_bound"] == 7
    # Fill: 2/4, 1/2, 1/2, 1/4.
    assert m["room_fill_pct"] == round(100 * (0.5 + 0.5 + 0.5 + 0.25) / 4, 2)
    assert m["room_fill_min_pct"] == 25.0
    # Every breakout place here was ranked.
    assert m["unranked_attendances"] == 0
    assert m["unranked_in_one_run_max_pct"] == 0.0


def _unranked_event():  # type: ignore[no-untyped-def]
    """Two delegations of three who ranked nothing, three sessions on three topics."""
    b = EventBuilder("Unranked", "Albany, NY", "America/New_York")
    b.add_city("c1", "One", "NY", topics="parks")
    b.add_city("c2", "Two", "NY")
    for c in ("c1", "c2"):
        b.add_participant(f"{c}-a", "A", city_id=c, topics="housing")
        b.add_participant(f"{c}-b", "B", city_id=c)
        b.add_participant(f"{c}-p", "P", city_id=c, role="partner")
    b.add_room("big", "Ballroom", 100)
    b.add_room("s1", "Small 1", 10)
    b.add_room("s2", "Small 2", 10)
    b.add_slot("b1", at(9), at(10), "breakout")
    b.add_session("h", "Housing", topic="housing")
    b.add_session("t", "Transit", topic="transit")
    b.add_session("k", "Parks", topic="Parks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return b.build()


def test_unranked_metrics_count_spread_topics_and_the_fullest_run() -> None:
    event = _unranked_event()
    runs = [
        # c1 spread (a on their topic, b and p on their city's parks: p shares with b);
        # c2 all in the ballroom: not spread, a on their topic only.
        Run("h", "breakout", "b1", "big", ["c1-a", "c2-a", "c2-b", "c2-p"]),
        Run("t", "breakout", "b1", "s1", []),
        Run("k", "breakout", "b1", "s2", ["c1-b", "c1-p"]),
    ]
    m = agenda_metrics(event, Plan(event, runs))
    assert m["unranked_attendances"] == 6
    # c1 has b and p together: neither delegation is spread.
    assert m["delegation_spread_pct"] == 0.0
    # Who could match: c1's three (city topic), c2-a (own topic); matched: c1-a, c1-b, c1-p, c2-a.
    assert m["unranked_topic_match_pct"] == 100.0
    assert m["unranked_in_one_run_max_pct"] == round(100 * 4 / 6, 2)
    assert m["room_fill_min_pct"] == 0.0
    spread = [
        Run("h", "breakout", "b1", "big", ["c1-a", "c2-b"]),
        Run("t", "breakout", "b1", "s1", ["c1-b", "c2-a"]),
        Run("k", "breakout", "b1", "s2", ["c1-p", "c2-p"]),
    ]
    m = agenda_metrics(event, Plan(event, spread))
    assert m["delegation_spread_pct"] == 100.0
    # c1-a (housing), c1-p (parks) match; c1-b (transit, city parks) and c2-a (transit) do not.
    assert m["unranked_topic_match_pct"] == 50.0
    assert m["unranked_in_one_run_max_pct"] == round(100 * 2 / 6, 2)


def test_the_worst_off_table_agrees_with_the_metric_and_spares_presenters() -> None:
    event = _event()
    plan = Plan(event, _runs())
    table = worst_off(plan, n=10).set_index("participant_id")
    # b presents z in b1: measured on b2 alone (7 of 8), as the metric, not 7 of 15.
    assert table.loc["b", "best_possible"] == 8
    assert table.loc["b", "share_pct"] == round(100 * 7 / 8, 2)
    assert table["share_pct"].min() == agenda_metrics(event, plan)["worst_off_share_pct"]
