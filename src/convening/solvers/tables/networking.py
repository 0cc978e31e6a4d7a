"""Networking tables: everyone present at tables that mix cities, new faces each round.

The event's networking slots become a compact :class:`SeatingProblem`; rules
that can never hold are reported before any search
(:class:`~convening.errors.InfeasibleError` naming the rule's row); a known
design seeds plain social golfer instances, a greedy pass seeds the rest, and
:class:`~convening.solvers.tables.search.TableSearch` improves the seating.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from convening.errors import InfeasibleError
from convening.model import Event, Participant, Role, RuleKind, Slot, SlotKind, fewest_tables
from convening.options import TableOptions
from convening.plan import ActivityKind, Run, Table
from convening.solvers.clock import Clock
from convening.solvers.tables import constructions
from convening.solvers.tables.problem import Round, SeatingProblem
from convening.solvers.tables.search import TableSearch, Weights

__all__ = ["build_problem", "seat_networking", "solve_problem"]

logger = logging.getLogger(__name__)

#: Runs at most this large count as a place where people got to know each other.
SMALL_RUN = 30


def person_topics(event: Event, person: Participant) -> tuple[str, ...]:
    """A person's topics, or their city's when they gave none."""
    if person.topics:
        return person.topics
    if person.city_id is not None and person.city_id in event.city_by_id:
        return event.city_by_id[person.city_id].topics
    return ()


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def build_problem(
    event: Event,
    slots: Sequence[Slot],
    runs: Sequence[Run] = (),
    pins: Mapping[tuple[str, str], int] | None = None,
) -> tuple[SeatingProblem, list[str]]:
    """The compact instance of the event's networking ``slots``, and the person ids by index.

    Raises
    ------
    InfeasibleError
        When a rule or pin can never hold (the reasons name rule rows and people).
    """
    people = event.participants
    ids = [p.participant_id for p in people]
    index = {pid: i for i, pid in enumerate(ids)}
    city_ids = sorted({p.city_id for p in people if p.city_id is not None})
    city_index = {c: i for i, c in enumerate(city_ids)}
    delegation = np.array(
        [
            city_index[p.city_id] if p.city_id is not None else len(city_ids) + i
            for i, p in enumerate(people)
        ],
        dtype=np.int64,
    )
    topic_names = sorted({t for p in people for t in person_topics(event, p)})
    topic_index = {t: i for i, t in enumerate(topic_names)}
    topics = np.zeros((len(people), len(topic_names)), dtype=bool)
    for i, p in enumerate(people):
        for t in person_topics(event, p):
            topics[i, topic_index[t]] = True
    roles = np.array(
        [[p.role is Role.OFFICIAL, p.role is Role.PARTNER] for p in people], dtype=bool
    ).reshape(len(people), 2)
    facilitator = np.array([p.role is Role.FACILITATOR for p in people], dtype=bool)

    reasons: list[str] = []
    pins = dict(pins or {})
    rounds = []
    for slot in slots:
        present = [index[p.participant_id] for p in event.present(slot)]
        size = event.table_size(slot.slot_id)
        largest = max(Counter(int(delegation[i]) for i in present).values(), default=0)
        n_tables = fewest_tables(len(present), size, largest)
        capacity = -(-len(present) // n_tables) if n_tables else 0
        rnd = Round(slot.slot_id, np.array(sorted(present), dtype=np.int64), n_tables, capacity)
        here = set(present)
        groups = _UnionFind()
        rules_of: dict[int, list[str]] = defaultdict(list)
        apart_where: dict[tuple[int, int], str] = {}
        for rule in event.networking_rules:
            if rule.slot_id is not None and rule.slot_id != slot.slot_id:
                continue
            a = index.get(rule.participant_id)
            b = index.get(rule.other_id) if rule.other_id is not None else None
            where = f"networking_rules row {rule.row}" if rule.row is not None else "a rule"
            if rule.rule is RuleKind.HOST:
                if a is not None and a in here:
                    rnd.hosts.append(a)
                continue
            if a is None or b is None or a not in here or b not in here:
                continue
            if rule.rule is RuleKind.APART:
                rnd.apart.append((a, b))
                apart_where[(a, b)] = where
                continue
            rnd.together.append((a, b))
            groups.union(a, b)
            rules_of[a].append(where)
            rules_of[b].append(where)
            if delegation[a] == delegation[b] and people[a].city_id is not None:
                reasons.append(
                    f"{where}: {ids[a]} and {ids[b]} must sit together, but both belong to "
                    f"delegation {people[a].city_id}, whose members never share a table"
                )
        for (pid, slot_id), number in sorted(pins.items()):
            if slot_id != slot.slot_id or pid not in index:
                continue
            if index[pid] not in here:
                reasons.append(
                    f"pin: {pid} is pinned to table {number} in slot {slot_id} but is not present"
                )
            elif not 1 <= number <= n_tables:
                reasons.append(
                    f"pin: {pid} is pinned to table {number} in slot {slot_id}, which has "
                    f"{n_tables} tables"
                )
            else:
                rnd.pins[index[pid]] = number - 1
        rnd.hosts = sorted(set(rnd.hosts))
        if len(rnd.hosts) > n_tables:
            reasons.append(
                f"slot {slot.slot_id}: {len(rnd.hosts)} hosts present "
                f"({', '.join(ids[h] for h in rnd.hosts)}) but only {n_tables} tables; "
                "hosts sit one per table"
            )
        reasons.extend(
            _group_reasons(slot, rnd, groups, ids, delegation, people, rules_of, apart_where)
        )
        rounds.append(rnd)
    if reasons:
        # A rule for every networking slot breaks in each of them: say it once.
        reasons = list(dict.fromkeys(reasons))
        raise InfeasibleError("The networking rules cannot all hold.", reasons, proven=True)

    met: dict[tuple[int, int], int] = defaultdict(int)
    for run in sorted(runs, key=lambda r: (r.slot_id, r.activity_id, r.room_id or "")):
        if run.kind is ActivityKind.TOUR or len(run.attendees) <= SMALL_RUN:
            members = sorted(index[pid] for pid in run.attendees if pid in index)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    met[(a, b)] += 1
    problem = SeatingProblem(
        n_people=len(people),
        delegation=delegation,
        rounds=rounds,
        topics=topics,
        topic_names=tuple(topic_names),
        roles=roles,
        facilitator=facilitator,
        met_elsewhere=dict(met),
    )
    return problem, ids


def _group_reasons(
    slot: Slot,
    rnd: Round,
    groups: _UnionFind,
    ids: list[str],
    delegation: NDArray[np.int64],
    people: Sequence[Participant],
    rules_of: Mapping[int, list[str]],
    apart_where: Mapping[tuple[int, int], str],
) -> list[str]:
    """Why people chained by ``together`` rules cannot share one table, if they cannot."""
    reasons = []
    members: dict[int, list[int]] = defaultdict(list)
    for person in sorted(groups.parent):
        members[groups.find(person)].append(person)
    hosts = set(rnd.hosts)
    for group in members.values():
        names = ", ".join(ids[p] for p in group)
        if len(group) > rnd.capacity:
            reasons.append(
                f"slot {slot.slot_id}: together rules chain {len(group)} people ({names}) "
                f"but a table seats {rnd.capacity}"
            )
        cities = Counter(people[p].city_id for p in group if people[p].city_id is not None)
        clash = sorted(c for c, n in cities.items() if n > 1 and c is not None)
        if clash and len(group) > 2:
            reasons.append(
                f"slot {slot.slot_id}: together rules chain {names}, which puts members of "
                f"delegation {', '.join(clash)} at one table"
            )
        if len(hosts & set(group)) > 1:
            reasons.append(
                f"slot {slot.slot_id}: together rules chain {names}, which seats two hosts at one table"
            )
        chain = ", ".join(sorted({w for p in group for w in rules_of.get(p, [])}))
        for a, b in rnd.apart:
            if a in group and b in group:
                reasons.append(
                    f"slot {slot.slot_id}: {ids[a]} and {ids[b]} must sit apart "
                    f"({apart_where.get((a, b), 'a rule')}), but together rules chain them "
                    f"({names}: {chain})"
                )
        pinned = {rnd.pins[p] for p in group if p in rnd.pins}
        if len(pinned) > 1:
            reasons.append(
                f"slot {slot.slot_id}: together rules chain {names}, who are pinned to "
                f"different tables"
            )
    del delegation
    return reasons


def solve_problem(
    problem: SeatingProblem, options: TableOptions, clock: Clock | None = None
) -> list[NDArray[np.int64]]:
    """Seat a compact instance: a known design when one fits, else greedy; then tabu search.

    The search's budget is ``options.time_limit`` seconds of calibrated work, so the
    seating does not depend on the machine's speed; the ``clock``'s wall stop (by
    default from ``options``) is a safety net, recorded on the clock when it stops it.
    """
    if clock is None:
        clock = Clock(wall_stop=options.wall_stop)
    weights = Weights(
        repeat=options.repeat_weight,
        third_meeting=options.new_peers_weight,
        elsewhere=options.elsewhere_weight,
        topic=options.topic_weight,
        role_mix=options.role_mix_weight,
        facilitator=options.facilitator_weight,
    )
    search = TableSearch(problem, weights, seed=options.seed)
    seed_design = None
    if problem.is_golfer and options.use_constructions:
        rnd = problem.rounds[0]
        seed_design = constructions.design(
            problem.n_people, rnd.capacity, len(problem.rounds), options.seed
        )
        if seed_design is not None:
            logger.info("networking: seeded with a known design")
    search.start(seed_design)
    result = search.run(
        budget=options.time_limit,
        max_iterations=options.max_iterations,
        patience=options.patience,
        polish=options.polish,
        clock=clock,
    )
    if not result.completed:
        clock.stopped("the networking table search")
    return result.seating


def seat_networking(
    event: Event,
    runs: Sequence[Run] = (),
    options: TableOptions | None = None,
    clock: Clock | None = None,
) -> list[Table]:
    """Networking tables for every networking slot of ``event``.

    Raises
    ------
    InfeasibleError
        When the rules cannot all hold, naming the rules and people involved.
    """
    options = options or TableOptions()
    slots = list(event.slots_of(SlotKind.NETWORKING))
    if not slots:
        return []
    problem, ids = build_problem(event, slots, runs, options.pins)
    seating = solve_problem(problem, options, clock)
    tables = to_tables(event, problem, ids, seating)
    _check_rules(problem, ids, seating)
    return tables


def to_tables(
    event: Event,
    problem: SeatingProblem,
    ids: Sequence[str],
    seating: Sequence[NDArray[np.int64]],
) -> list[Table]:
    """Tables (numbered from 1, labelled with their most common topic) from a seating."""
    people = event.participant_by_id
    out = []
    for rnd, table_of in zip(problem.rounds, seating, strict=True):
        for t in range(rnd.n_tables):
            members = [ids[int(i)] for i in rnd.present if table_of[int(i)] == t]
            counts = Counter(tp for pid in members for tp in person_topics(event, people[pid]))
            topic = None
            if counts:
                topic = min(counts, key=lambda k: (-counts[k], k))
            out.append(Table(rnd.slot_id, t + 1, ActivityKind.NETWORKING, members, topic))
    return out


def _check_rules(
    problem: SeatingProblem, ids: Sequence[str], seating: Sequence[NDArray[np.int64]]
) -> None:
    """Raise when the search could not keep a hard rule (it keeps them whenever it can)."""
    reasons = []
    for rnd, table_of in zip(problem.rounds, seating, strict=True):
        present = rnd.present
        tables = table_of[present]
        sizes = np.bincount(tables, minlength=rnd.n_tables) if len(present) else np.zeros(0)
        if len(sizes) and sizes.max() - sizes.min() > 1:
            reasons.append(f"slot {rnd.slot_id}: table sizes from {sizes.min()} to {sizes.max()}")
        seen: dict[tuple[int, int], str] = {}
        for p in present:
            key = (int(problem.delegation[p]), int(table_of[p]))
            if key in seen:
                reasons.append(
                    f"slot {rnd.slot_id}: {seen[key]} and {ids[p]} of one delegation share "
                    f"table {key[1] + 1}"
                )
            seen[key] = ids[p]
        for a, b in rnd.together:
            if table_of[a] != table_of[b]:
                reasons.append(f"slot {rnd.slot_id}: {ids[a]} and {ids[b]} are not together")
        for a, b in rnd.apart:
            if table_of[a] == table_of[b]:
                reasons.append(f"slot {rnd.slot_id}: {ids[a]} and {ids[b]} are not apart")
        host_tables = Counter(int(table_of[h]) for h in rnd.hosts)
        if any(n > 1 for n in host_tables.values()):
            reasons.append(f"slot {rnd.slot_id}: two hosts share a table")
        for p, t in rnd.pins.items():
            if table_of[p] != t:
                reasons.append(f"slot {rnd.slot_id}: {ids[p]} is not at pinned table {t + 1}")
    if reasons:
        raise InfeasibleError("No seating keeps every networking rule.", reasons)
