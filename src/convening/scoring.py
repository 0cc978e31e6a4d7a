"""How a plan's breakout sessions and tours are scored: the one definition.

The metrics, the solvers, the plots and the report all read their points and
bounds from here, so a figure in the report and the figure a solver optimised
are the same number.

Points
------
A session or tour a person ranked ``r`` (1 = most wanted) is worth ``9 − r``
points for ranks 1–8; worse ranks and unranked items are worth nothing.

Bounds
------
A person's *bound* for a slot kind is the sum of their best ``k`` scores among
the items of that kind, ``k`` the slots of that kind they are present for:
what they would get if rooms had no capacity and sessions never clashed. The
benchmark score (``preference_score_pct``) is everyone's points over everyone's
bound.

A person's *fair bound* leaves out what they cannot earn: slots where they
present a run of their own session earn nothing, and their own sessions are no
wish of theirs. It is the best ``k − presenting`` scores among the sessions they
do not present, ``presenting`` the slots where they present a run. The
worst-off share (``worst_off_share_pct``) and the worst-off table of the report
both divide by it, so presenters are not listed as worst off for presenting.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import attrs

from convening.model import Event, SlotKind
from convening.plan import ActivityKind, Run

__all__ = [
    "TOP_RANK",
    "Outcome",
    "best_of",
    "fair_bound",
    "interests",
    "outcomes",
    "person_bound",
    "rank_points",
]

#: Ranks that earn points: ``9 − rank`` for ranks 1..8.
TOP_RANK = 8


def rank_points(rank: int | None) -> int:
    """Points for attending an item of ``rank``: ``9 − rank`` for ranks 1–8, else 0."""
    if rank is None or rank < 1 or rank > TOP_RANK:
        return 0
    return TOP_RANK + 1 - rank


def best_of(points: Iterable[int], k: int) -> int:
    """The sum of the ``k`` largest of ``points`` (0 when ``k`` ≤ 0)."""
    if k <= 0:
        return 0
    return sum(sorted(points, reverse=True)[:k])


def _items(event: Event, kind: SlotKind) -> set[str]:
    if kind is SlotKind.TOUR:
        return set(event.tour_by_id)
    return {s.session_id for s in event.sessions if str(s.kind) == str(kind)}


def _slots_present(event: Event, participant_id: str, kind: SlotKind) -> int:
    person = event.participant_by_id[participant_id]
    return sum(1 for s in event.slots_of(kind) if person.is_present(s))


def person_bound(event: Event, participant_id: str, kind: SlotKind) -> int:
    """The capacity-free best a person can score over the slots of ``kind``.

    Parameters
    ----------
    event
        The event.
    participant_id
        The person.
    kind
        ``SlotKind.BREAKOUT``, ``SlotKind.PLENARY`` or ``SlotKind.TOUR``.
    """
    items = _items(event, kind)
    ranks = event.ranks_of(participant_id)
    values = (rank_points(r) for i, r in ranks.items() if i in items)
    return best_of(values, _slots_present(event, participant_id, kind))


def fair_bound(
    event: Event,
    participant_id: str,
    kind: SlotKind = SlotKind.BREAKOUT,
    presenting: int | Collection[str] | None = None,
) -> int:
    """A person's bound without the slots where they present and without their own sessions.

    Parameters
    ----------
    event
        The event.
    participant_id
        The person.
    kind
        ``SlotKind.BREAKOUT`` (default) or ``SlotKind.PLENARY``; tours have no presenters.
    presenting
        The slots of ``kind`` where they present a run (their ids, or how many).
        ``None`` (before a plan exists): every run of the sessions they present,
        ``offered`` times each.
    """
    own = {
        s.session_id
        for s in event.sessions
        if str(s.kind) == str(kind) and participant_id in s.presenters
    }
    if presenting is None:
        busy = sum(event.session_by_id[s].offered for s in own)
    elif isinstance(presenting, int):
        busy = presenting
    else:
        busy = len(set(presenting))
    items = _items(event, kind) - own
    ranks = event.ranks_of(participant_id)
    values = (rank_points(r) for i, r in ranks.items() if i in items)
    return best_of(values, _slots_present(event, participant_id, kind) - busy)


@attrs.frozen
class Outcome:
    """One person's breakout points in a plan, beside their bounds.

    ``attended``: the sessions they attend (not those they present), in
    ``(session_id, rank or None)`` pairs, in the order of the runs given.
    """

    participant_id: str
    points: int
    bound: int
    fair_bound: int
    attended: tuple[tuple[str, int | None], ...]

    @property
    def share_pct(self) -> float:
        """Points as a percentage of the fair bound (100 when it is 0)."""
        if self.fair_bound <= 0:
            return 100.0
        return round(100.0 * min(1.0, self.points / self.fair_bound), 2)


def outcomes(event: Event, runs: Iterable[Run]) -> list[Outcome]:
    """Every participant's breakout :class:`Outcome`, in event order.

    The worst-off share of :mod:`convening.metrics` is the lowest ``share_pct``
    among people whose fair bound is above 0.
    """
    attended: dict[str, list[tuple[str, int | None]]] = {}
    presenting: dict[str, set[str]] = {}
    for run in runs:
        if run.kind is not ActivityKind.BREAKOUT:
            continue
        presenters = event.session_by_id[run.activity_id].presenters
        for pid in run.attendees:
            if pid in presenters:
                presenting.setdefault(pid, set()).add(run.slot_id)
                continue
            attended.setdefault(pid, []).append(
                (run.activity_id, event.ranks_of(pid).get(run.activity_id))
            )
    out = []
    for person in event.participants:
        pid = person.participant_id
        mine = tuple(attended.get(pid, ()))
        out.append(
            Outcome(
                pid,
                sum(rank_points(r) for _, r in mine),
                person_bound(event, pid, SlotKind.BREAKOUT),
                fair_bound(event, pid, SlotKind.BREAKOUT, presenting.get(pid, set())),
                mine,
            )
        )
    return out


def interests(event: Event, participant_id: str) -> tuple[frozenset[str], frozenset[str]]:
    """A person's own ``topics`` and their city's ``topics``, case-folded.

    A session whose topic is among them suits a person who did not rank it:
    their own topics first, then their city's.
    """
    person = event.participant_by_id[participant_id]
    own = frozenset(t.strip().casefold() for t in person.topics if t.strip())
    city: frozenset[str] = frozenset()
    if person.city_id is not None and person.city_id in event.city_by_id:
        city = frozenset(
            t.strip().casefold() for t in event.city_by_id[person.city_id].topics if t.strip()
        )
    return own, city
