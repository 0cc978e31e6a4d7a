"""Quality figures of a plan, computed from the plan alone (no solver involved).

Points and bounds come from :mod:`convening.scoring` (``9 − r`` points for a
session ranked ``r`` in 1–8; a person's bound is their best ``k`` scores for
the ``k`` breakout or tour slots they are present for).

Keys of :func:`agenda_metrics`:

``preference_score_pct``
    Breakout points attained by everyone ÷ everyone's bound, in percent (the benchmark score).
``preference_score_mean_pct``
    The mean over people (with a bound > 0) of their own percentage.
``worst_off_share_pct``
    The lowest personal percentage, of a *fair bound* (:func:`convening.scoring.fair_bound`):
    a person presenting in some breakout slots cannot earn points there, so
    their fair bound is their best ``k − presenting`` scores among the
    sessions they do not present. The report's worst-off table lists the same
    shares, lowest first. ``preference_score_pct`` keeps the benchmark bound.
``first_choices``
    People attending their rank-1 breakout session.
``ranked_attendance_pct``
    Breakout attendances that were ranked by the attendee, in percent.
``tour_score_pct``, ``tour_first_choices``
    The same for tours.
``delegation_spread_pct`` — *delegations spread out*
    Of the (delegation, breakout slot) pairs where two or more members are in
    a session and the slot has at least one run per member (so spreading is
    possible), the percentage where every member is in a different session:
    a delegation learns most when its members bring back different sessions.
``topic_clashes``
    Extra same-topic sessions running in one slot (two on one topic in one slot = 1).
``unranked_attendances`` — *unranked places*
    Breakout places of people who did not rank the session they are in (no
    survey answer, too few ranks for their slots, or ranks that could not be met).
``unranked_topic_match_pct`` — *unranked places on a topic of theirs*
    Of the unranked places of people who (or whose city) named topics, the
    percentage in a session whose topic is among the person's or their
    city's topics.
``unranked_in_one_run_max_pct`` — *most unranked people in one session*
    In each breakout slot, the largest share of that slot's unranked people
    who sit in one session; the worst slot is reported. A high figure means
    one room (often the ballroom) was filled with people who did not choose
    it while other sessions ran nearly empty.
``room_fill_pct``, ``room_fill_min_pct`` — *room fill*
    Attendance ÷ room capacity over breakout runs: the mean and the emptiest
    run (a small session lost in a big room shows here).

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
from convening.scoring import fair_bound, interests, outcomes, person_bound, rank_points

__all__ = ["agenda_metrics", "fair_bound", "person_bound", "rank_points", "table_metrics"]


def _pct(num: float, den: float) -> float:
    return round(100.0 * num / den, 2) if den else 100.0


def agenda_metrics(event: Event, plan: Plan | Iterable[Run]) -> dict[str, Any]:
    """Quality figures for the runs of a plan (see the module docstring for the keys)."""
    runs = list(plan.runs if isinstance(plan, Plan) else plan)
    out: dict[str, Any] = {}
    # Breakouts: one scoring for the metric, the plots and the report.
    people = outcomes(event, runs)
    got = sum(o.points for o in people)
    bound = sum(o.bound for o in people)
    attended = [r for o in people for _sid, r in o.attended]
    out["preference_score_pct"] = _pct(got, bound)
    out["preference_score_points"] = got
    out["preference_score_bound"] = bound
    out["first_choices"] = sum(1 for r in attended if r == 1)
    shares = [min(1.0, o.points / o.bound) for o in people if o.bound > 0]
    out["preference_score_mean_pct"] = (
        round(100.0 * sum(shares) / len(shares), 2) if shares else 100.0
    )
    fair = [o.share_pct for o in people if o.fair_bound > 0]
    out["worst_off_share_pct"] = min(fair) if fair else 100.0
    out["ranked_attendance_pct"] = _pct(
        sum(1 for r in attended if rank_points(r) > 0), len(attended)
    )
    # Tours.
    tour_got: dict[str, int] = {}
    tour_firsts = 0
    for run in runs:
        if run.kind is ActivityKind.TOUR:
            for pid in run.attendees:
                rank = event.ranks_of(pid).get(run.activity_id)
                tour_got[pid] = tour_got.get(pid, 0) + rank_points(rank)
                tour_firsts += rank == 1
    tour_bound = sum(
        person_bound(event, p.participant_id, SlotKind.TOUR) for p in event.participants
    )
    out["tour_score_pct"] = _pct(sum(tour_got.values()), tour_bound)
    out["tour_score_points"] = sum(tour_got.values())
    out["tour_score_bound"] = tour_bound
    out["tour_first_choices"] = tour_firsts
    out["delegation_spread_pct"] = _delegation_spread(event, runs)
    out["topic_clashes"] = _topic_clashes(event, runs)
    out.update(_unranked(event, runs))
    fills = [
        len(r.attendees) / event.room_by_id[r.room_id].capacity
        for r in runs
        if r.room_id is not None and r.kind is ActivityKind.BREAKOUT
    ]
    out["room_fill_pct"] = round(100.0 * sum(fills) / len(fills), 2) if fills else 0.0
    out["room_fill_min_pct"] = round(100.0 * min(fills), 2) if fills else 0.0
    return out


def _delegation_spread(event: Event, runs: list[Run]) -> float:
    """Spread delegation-slots over those where each member could have had a session of their own."""
    where: dict[tuple[str, str], str] = {}
    runs_in: Counter[str] = Counter()
    for run in runs:
        if run.kind is ActivityKind.BREAKOUT:
            runs_in[run.slot_id] += 1
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
            if len(sessions) < 2 or len(sessions) > runs_in[slot.slot_id]:
                continue
            pairs += 1
            spread += len(set(sessions)) == len(sessions)
    return _pct(spread, pairs)


def _unranked(event: Event, runs: list[Run]) -> dict[str, Any]:
    """Where the people who did not rank their breakout session went."""
    unranked = matched = could_match = 0
    worst = 0.0
    for slot in event.slots_of(SlotKind.BREAKOUT):
        here = [r for r in runs if r.kind is ActivityKind.BREAKOUT and r.slot_id == slot.slot_id]
        counts = []
        for run in here:
            session = event.session_by_id[run.activity_id]
            topic = (session.topic or "").strip().casefold()
            n = 0
            for pid in run.attendees:
                if pid in session.presenters:
                    continue
                if rank_points(event.ranks_of(pid).get(run.activity_id)) > 0:
                    continue
                n += 1
                own, city = interests(event, pid)
                if own or city:
                    could_match += 1
                    matched += bool(topic) and topic in own | city
            counts.append(n)
        total = sum(counts)
        unranked += total
        if total and len(here) > 1:
            worst = max(worst, max(counts) / total)
    return {
        "unranked_attendances": unranked,
        "unranked_topic_match_pct": _pct(matched, could_match),
        "unranked_in_one_run_max_pct": round(100.0 * worst, 2),
    }


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
    if participant_id not in event.participant_by_id:
        return False
    own, city = interests(event, participant_id)
    return topic.strip().casefold() in own | city
