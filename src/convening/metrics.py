"""Quality figures of a plan, computed from the plan alone (no solver involved).

Scores: a breakout session or tour a person ranked ``r`` (1 = most wanted) is
worth ``9 − r`` points for ranks 1–8, nothing otherwise. A person's *bound*
is the sum of their best ``k`` scores, ``k`` the number of breakout (or tour)
slots they are present for — what they would get if rooms had no capacity and
sessions never clashed.

Keys of :func:`agenda_metrics`:

``preference_score_pct``
    Breakout points attained by everyone ÷ everyone's bound, in percent (the benchmark score).
``preference_score_mean_pct``
    The mean over people (with a bound > 0) of their own percentage.
``worst_off_share_pct``
    The lowest personal percentage, of a *fair bound*: a person presenting in
    some breakout slots cannot earn points there, so their fair bound is their
    best ``k − presenting`` scores among the sessions they do not present
    (``presenting`` = breakout slots where they present a run). Only the
    worst-off share uses it; ``preference_score_pct`` keeps the benchmark bound.
``first_choices``
    People attending their rank-1 breakout session.
``ranked_attendance_pct``
    Breakout attendances that were ranked by the attendee, in percent.
``tour_score_pct``, ``tour_first_choices``
    The same for tours.
``delegation_spread_pct``
    Of the (delegation, breakout slot) pairs with two or more members present,
    the percentage where every member is in a different session.
``topic_clashes``
    Extra same-topic sessions running in one slot (two on one topic in one slot = 1).
``room_fill_pct``
    Mean attendance ÷ room capacity over session runs.

Keys of :func:`table_metrics`:

``networking_repeat_meetings``
    Meetings of a pair at a networking table beyond their first (0 is best).
``networking_peers_mean``, ``networking_peers_min``
    Distinct people met at networking tables, per person seated at least once.
``networking_peers_bound_pct``
    Distinct peers met ÷ the most possible (each round adds at most its table
    mates), over everyone seated, in percent.
``networking_same_city_pairs``
    Pairs of one delegation at one networking table (0 in a valid plan).
``networking_topic_tables_pct``
    Networking tables labelled with a topic at least two people there share.
``action_planning_coached_pct``
    Delegation tables in action planning that have a coach, in percent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from convening.model import Event, SlotKind
from convening.plan import ActivityKind, Plan, Run, Table

__all__ = ["agenda_metrics", "fair_bound", "person_bound", "rank_points", "table_metrics"]


def rank_points(rank: int | None) -> int:
    """``9 − rank`` for ranks 1–8, else 0."""
    if rank is None or rank < 1 or rank > 8:
        return 0
    return 9 - rank


def person_bound(event: Event, participant_id: str, kind: SlotKind) -> int:
    """The capacity-free best a person can score over the slots of ``kind`` (breakout or tour)."""
    person = event.participant_by_id[participant_id]
    k = sum(1 for s in event.slots_of(kind) if person.is_present(s))
    if kind is SlotKind.TOUR:
        items = set(event.tour_by_id)
    else:
        items = {s.session_id for s in event.sessions if str(s.kind) == str(kind)}
    ranks = event.ranks_of(participant_id)
    values = sorted((rank_points(r) for i, r in ranks.items() if i in items), reverse=True)
    return sum(values[:k])


def fair_bound(event: Event, participant_id: str, presenting: Iterable[str] = ()) -> int:
    """A person's breakout bound without the slots where they present.

    ``presenting``: the breakout slots where they present a run. The best
    ``k − len(presenting)`` scores among breakout sessions they do not present,
    ``k`` the breakout slots they are present for.
    """
    person = event.participant_by_id[participant_id]
    slots = event.slots_of(SlotKind.BREAKOUT)
    busy = set(presenting)
    k = sum(1 for s in slots if person.is_present(s) and s.slot_id not in busy)
    items = {
        s.session_id
        for s in event.sessions
        if str(s.kind) == str(SlotKind.BREAKOUT) and participant_id not in s.presenters
    }
    ranks = event.ranks_of(participant_id)
    values = sorted((rank_points(r) for i, r in ranks.items() if i in items), reverse=True)
    return sum(values[: max(0, k)])


def _pct(num: float, den: float) -> float:
    return round(100.0 * num / den, 2) if den else 100.0


def agenda_metrics(event: Event, plan: Plan | Iterable[Run]) -> dict[str, Any]:
    """Quality figures for the runs of a plan (see the module docstring for the keys)."""
    runs = list(plan.runs if isinstance(plan, Plan) else plan)
    out: dict[str, Any] = {}
    for label, kind, activity in (
        ("preference", SlotKind.BREAKOUT, ActivityKind.BREAKOUT),
        ("tour", SlotKind.TOUR, ActivityKind.TOUR),
    ):
        got: dict[str, int] = {}
        firsts = 0
        ranked = attended = 0
        for run in runs:
            if run.kind is not activity:
                continue
            presenters: tuple[str, ...] = ()
            if activity is ActivityKind.BREAKOUT:
                presenters = event.session_by_id[run.activity_id].presenters
            for pid in run.attendees:
                if pid in presenters:
                    continue
                rank = event.ranks_of(pid).get(run.activity_id)
                pts = rank_points(rank)
                got[pid] = got.get(pid, 0) + pts
                attended += 1
                ranked += pts > 0
                firsts += rank == 1
        total_got = total_bound = 0
        shares = []
        fair_shares = []
        presenting: dict[str, set[str]] = {}
        if activity is ActivityKind.BREAKOUT:
            for run in runs:
                if run.kind is activity:
                    for pid in event.session_by_id[run.activity_id].presenters:
                        if pid in run.attendees:
                            presenting.setdefault(pid, set()).add(run.slot_id)
        for p in event.participants:
            bound = person_bound(event, p.participant_id, kind)
            mine = got.get(p.participant_id, 0)
            total_got += mine
            total_bound += bound
            if bound > 0:
                shares.append(min(1.0, mine / bound))
            if activity is ActivityKind.BREAKOUT:
                fair = fair_bound(event, p.participant_id, presenting.get(p.participant_id, ()))
                if fair > 0:
                    fair_shares.append(min(1.0, mine / fair))
        name = "preference_score" if label == "preference" else "tour_score"
        out[f"{name}_pct"] = _pct(total_got, total_bound)
        out[f"{name}_points"] = total_got
        out[f"{name}_bound"] = total_bound
        first_key = "first_choices" if label == "preference" else "tour_first_choices"
        out[first_key] = firsts
        if label == "preference":
            out["preference_score_mean_pct"] = (
                round(100.0 * sum(shares) / len(shares), 2) if shares else 100.0
            )
            out["worst_off_share_pct"] = (
                round(100.0 * min(fair_shares), 2) if fair_shares else 100.0
            )
            out["ranked_attendance_pct"] = _pct(ranked, attended)
    out["delegation_spread_pct"] = _delegation_spread(event, runs)
    out["topic_clashes"] = _topic_clashes(event, runs)
    fills = [
        len(r.attendees) / event.room_by_id[r.room_id].capacity
        for r in runs
        if r.room_id is not None and r.kind is ActivityKind.BREAKOUT
    ]
    out["room_fill_pct"] = round(100.0 * sum(fills) / len(fills), 2) if fills else 0.0
    return out


def _delegation_spread(event: Event, runs: list[Run]) -> float:
    where: dict[tuple[str, str], str] = {}
    for run in runs:
        if run.kind is ActivityKind.BREAKOUT:
            for pid in run.attendees:
                where[(pid, run.slot_id)] = run.activity_id
    pairs = spread = 0
    for slot in event.slots_of(SlotKind.BREAKOUT):
        for d in event.delegations:
            sessions = [
                where[(p.participant_id, slot.slot_id)]
                for p in d.members
                if (p.participant_id, slot.slot_id) in where
            ]
            if len(sessions) < 2:
                continue
            pairs += 1
            spread += len(set(sessions)) == len(sessions)
    return _pct(spread, pairs)


def _topic_clashes(event: Event, runs: list[Run]) -> int:
    topics: dict[tuple[str, str], set[str]] = {}
    for run in runs:
        if run.kind is ActivityKind.TOUR:
            continue
        topic = event.session_by_id[run.activity_id].topic
        if topic:
            topics.setdefault((run.slot_id, topic.strip().lower()), set()).add(run.activity_id)
    return sum(len(v) - 1 for v in topics.values())


def table_metrics(event: Event, plan: Plan | Iterable[Table]) -> dict[str, Any]:
    """Quality figures for the networking and action-planning tables (see the module docstring)."""
    tables = list(plan.tables if isinstance(plan, Plan) else plan)
    people = event.participant_by_id
    meetings: Counter[tuple[str, str]] = Counter()
    peers: dict[str, set[str]] = {}
    possible: Counter[str] = Counter()
    same_city = topic_tables = networking_tables = 0
    for table in tables:
        if table.kind is not ActivityKind.NETWORKING:
            continue
        networking_tables += 1
        members = sorted(table.members)
        for pid in members:
            peers.setdefault(pid, set()).update(m for m in members if m != pid)
            possible[pid] += len(members) - 1
        for a, b in combinations(members, 2):
            meetings[(a, b)] += 1
            city = people[a].city_id if a in people else None
            if city is not None and b in people and people[b].city_id == city:
                same_city += 1
        if table.topic and sum(_has_topic(event, pid, table.topic) for pid in members) >= 2:
            topic_tables += 1
    counts = [len(p) for p in peers.values()]
    delegation_tables = [
        t for t in tables if t.kind is ActivityKind.ACTION_PLANNING and t.city_id is not None
    ]
    return {
        "networking_repeat_meetings": sum(n - 1 for n in meetings.values() if n > 1),
        "networking_peers_mean": round(sum(counts) / len(counts), 2) if counts else 0.0,
        "networking_peers_min": min(counts) if counts else 0,
        "networking_peers_bound_pct": _pct(sum(counts), sum(possible.values())),
        "networking_same_city_pairs": same_city,
        "networking_topic_tables_pct": _pct(topic_tables, networking_tables),
        "action_planning_coached_pct": _pct(
            sum(1 for t in delegation_tables if t.coach is not None), len(delegation_tables)
        ),
    }


def _has_topic(event: Event, participant_id: str, topic: str) -> bool:
    person = event.participant_by_id.get(participant_id)
    if person is None:
        return False
    topics = set(person.topics)
    if person.city_id is not None and person.city_id in event.city_by_id:
        topics |= set(event.city_by_id[person.city_id].topics)
    return topic.strip().casefold() in {t.strip().casefold() for t in topics}
