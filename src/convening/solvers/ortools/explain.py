"""Feasibility models with assumption literals, for explaining events that have no plan.

The hard rules of a plan are split into independent *parts*: the plenary
slots, the breakout slots, the tour slots, and each networking slot that has
seating rules (slots of different kinds never share a person's activity, so
the parts never interact). Each part is a CP-SAT model without objective in
which every rule *instance* a planner could change is guarded by an assumption
literal, a :data:`Guard`:

``("slot-pin", session_id)``, ``("room-pin", session_id)``
    The session runs only in its pinned slot / room.
``("room-capacity", room_id)``, ``("session-capacity", session_id)``
    A run's attendees fit the room / the session's capacity.
``("presenter", participant_id, session_id)``
    The person is in every run of the session.
``("step-free", participant_id)``
    The person is only in accessible rooms and never on walking tours.
``("window", participant_id)``
    The person (a presenter) is at the event only from ``arrives`` to ``departs``.
``("away", participant_id, slot_id)``
    The person (a presenter or tour leader) is away in that slot (``away``).
``("leader", participant_id, tour_id)``
    The person leads the tour, so it runs only where they are at the event and
    they ride it.
``("attends", kind)``
    The people who take a place in slots of that kind only because of the
    ``attends`` written for them (:meth:`Event.by_attends
    <convening.model.Event.by_attends>`: a staff member who attends tours,
    say) take their places there. Role defaults are not guarded: they are no
    cell of the workbook to change. One guard stands for all of them, so a
    conflict names every such person, however many of them are too many.
``("no-repeat", session_id)``
    Nobody attends the session twice, unless presenting it.
``("offered", session_id)``
    The session runs exactly ``offered`` times (unguarded: 1 to one per slot).
``("tour-capacity", tour_id)``, ``("tour-pin", tour_id)``
    Riders never exceed capacity × departures; the tour runs in its pinned slot.
``("networking-rule", index)``
    The ``together``, ``apart`` or ``host`` rule at that index of
    ``event.networking_rules`` holds.

Dropping a guard only ever relaxes its part, so a set of guards whose
assumptions alone are infeasible (a *core*) is a set of rules that conflict.
:func:`find_conflicts` asks CP-SAT for a core
(:meth:`~ortools.sat.python.cp_model.CpSolver.sufficient_assumptions_for_infeasibility`),
shrinks it to a minimal one by deletion, then drops it and looks for the next.

The models are kept lean: people who neither present nor need step-free access
are counted in groups of the same presence (``n[group, session, slot]``);
counting is exact here since a group's sessions over its slots can always be
split among its members (König's edge-colouring theorem). Tours count riders
the same way; only step-free riders and leaders are individuals. People whose
place is guarded by their ``attends`` are individuals in both.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

import attrs
from ortools.sat.python import cp_model

from convening.model import Event, RuleKind, SlotKind
from convening.options import WALL_SAFETY_FACTOR

__all__ = ["Core", "Guard", "PartResult", "check", "find_conflicts", "parts"]

logger = logging.getLogger(__name__)

#: A guarded rule instance: its kind, then the ids it concerns (see the module docstring).
Guard = tuple[str, ...]

_SESSION_KINDS = (SlotKind.PLENARY, SlotKind.BREAKOUT)


@attrs.frozen
class Core:
    """Guards whose rules cannot all hold together.

    ``minimal``: every guard was shown to be needed (dropping any one leaves a
    part that has a plan); ``False`` when the time ran out while shrinking.
    """

    guards: tuple[Guard, ...]
    minimal: bool


@attrs.frozen
class PartResult:
    """What :func:`find_conflicts` found in one part."""

    part: str
    status: str  # "feasible", "infeasible" or "unknown"
    cores: tuple[Core, ...] = ()
    cut_short: bool = False


def parts(event: Event) -> list[str]:
    """The independent parts of ``event``'s hard rules that have anything to decide.

    ``"plenary"``, ``"breakout"``, ``"tour"`` and ``"networking:<slot_id>"``
    for each networking slot with a seating rule that applies to it.
    """
    out = [str(kind) for kind in _SESSION_KINDS if event.slots_of(kind)]
    if event.slots_of(SlotKind.TOUR) and event.tours:
        out.append(str(SlotKind.TOUR))
    for slot in event.slots_of(SlotKind.NETWORKING):
        if _networking_rules(event, slot.slot_id):
            out.append(f"networking:{slot.slot_id}")
    return out


# -- the models ---------------------------------------------------------------------------------


class _Model:
    """One part's CP-SAT model and its guards (assumption literals), in a stable order."""

    def __init__(self, linearization: int = 1) -> None:
        self.model = cp_model.CpModel()
        self.guards: dict[Guard, cp_model.IntVar] = {}
        self.linearization = linearization

    def guard(self, key: Guard) -> cp_model.IntVar:
        lit = self.guards.get(key)
        if lit is None:
            lit = self.model.new_bool_var("guard[" + ",".join(key) + "]")
            self.guards[key] = lit
        return lit


def _build(event: Event, part: str) -> _Model:
    if part in ("plenary", "breakout"):
        return _sessions_model(event, SlotKind(part))
    if part == "tour":
        return _tours_model(event)
    if part.startswith("networking:"):
        return _networking_model(event, part.split(":", 1)[1])
    raise ValueError(f"unknown part {part!r}")


def _sessions_model(event: Event, kind: SlotKind) -> _Model:
    m = _Model()
    model = m.model
    slots = event.slots_of(kind)
    slot_ids = [s.slot_id for s in slots]
    sessions = [s for s in event.sessions if str(s.kind) == str(kind)]
    rooms = event.rooms
    presenting: dict[str, list[str]] = defaultdict(list)
    for s in sessions:
        for pid in s.presenters:
            presenting[pid].append(s.session_id)
    present = {k: {p.participant_id for p in event.present(k)} for k in slot_ids}
    big = max((len(v) for v in present.values()), default=0) + 1
    by_id = event.slot_by_id

    # Where sessions run.
    y: dict[tuple[str, str, str], cp_model.IntVar] = {}
    run: dict[tuple[str, str], cp_model.LinearExprT] = {}
    step_free_run: dict[tuple[str, str], cp_model.LinearExprT] = {}
    for s in sessions:
        sid = s.session_id
        for k in slot_ids:
            cells = []
            for r in rooms:
                v = model.new_bool_var(f"y[{sid},{k},{r.room_id}]")
                y[(sid, k, r.room_id)] = v
                cells.append((r, v))
            run[(sid, k)] = sum(v for _r, v in cells)
            step_free_run[(sid, k)] = sum(v for r, v in cells if r.accessible)
            # A session runs at most once in a slot: its presenters cannot be in two rooms.
            model.add(run[(sid, k)] <= 1)
            if s.slot_id is not None and s.slot_id != k:
                model.add(run[(sid, k)] == 0).only_enforce_if(m.guard(("slot-pin", sid)))
        runs = sum(run[(sid, k)] for k in slot_ids)
        model.add(runs >= 1)
        model.add(runs == s.offered).only_enforce_if(m.guard(("offered", sid)))
        if s.room_id is not None:
            elsewhere = [v for (ss, _k, r), v in y.items() if ss == sid and r != s.room_id]
            model.add(sum(elsewhere) == 0).only_enforce_if(m.guard(("room-pin", sid)))
    for k in slot_ids:
        for r in rooms:
            cell = [y[(s.session_id, k, r.room_id)] for s in sessions]
            if len(cell) > 1:
                model.add_at_most_one(cell)

    # Who attends: presenters, people needing step-free access and people whose place is
    # guarded by their attends one by one, the rest counted.
    attend: dict[tuple[str, str], list[cp_model.LinearExprT]] = defaultdict(list)
    guarded = {p.participant_id for p in event.by_attends(kind)}
    individuals = sorted(
        {pid for pid in presenting}
        | guarded
        | {
            p.participant_id
            for p in event.participants
            if p.accessible and any(p.participant_id in present[k] for k in slot_ids)
        },
        key=_order(event).__getitem__,
    )
    chosen: set[str] = set(individuals)
    x: dict[tuple[str, str, str], cp_model.IntVar] = {}
    for pid in individuals:
        person = event.participant_by_id[pid]
        own = presenting.get(pid, [])
        for k in slot_ids:
            here = pid in present[k]
            options = [s.session_id for s in sessions] if here else own
            if not options:
                continue
            mine = []
            for sid in options:
                v = model.new_bool_var(f"x[{pid},{sid},{k}]")
                x[(pid, sid, k)] = v
                model.add(v <= run[(sid, k)])
                attend[(sid, k)].append(v)
                mine.append(v)
                if person.accessible:
                    model.add(v <= step_free_run[(sid, k)]).only_enforce_if(
                        m.guard(("step-free", pid))
                    )
            if here and pid in guarded:
                # Without their attends the person needs no place here (a presenter still
                # presents).
                model.add(sum(mine) <= 1)
                model.add(sum(mine) == 1).only_enforce_if(m.guard(("attends", str(kind))))
            elif here:
                model.add_exactly_one(mine)
            else:
                # A presenter who takes no place here presents at most once; one outside
                # their window or away is there only if that is relaxed.
                model.add(sum(mine) <= 1)
                slot = by_id[k]
                if not person.is_present(slot):
                    model.add(sum(mine) == 0).only_enforce_if(m.guard(("window", pid)))
                elif not person.is_at(slot):
                    model.add(sum(mine) == 0).only_enforce_if(m.guard(("away", pid, k)))
        for sid in own:
            g = m.guard(("presenter", pid, sid))
            for k in slot_ids:
                model.add(x[(pid, sid, k)] == run[(sid, k)]).only_enforce_if(g)
        for s in sessions:
            if s.session_id in own or len(slot_ids) < 2:
                continue
            mine = [x[(pid, s.session_id, k)] for k in slot_ids if (pid, s.session_id, k) in x]
            if len(mine) > 1:
                model.add(sum(mine) <= 1).only_enforce_if(m.guard(("no-repeat", s.session_id)))

    groups: Counter[tuple[str, ...]] = Counter()
    for p in event.participants:
        if p.participant_id in chosen:
            continue
        pattern = tuple(k for k in slot_ids if p.participant_id in present[k])
        if pattern:
            groups[pattern] += 1
    for gi, (pattern, size) in enumerate(sorted(groups.items())):
        n: dict[tuple[str, str], cp_model.IntVar] = {}
        for k in pattern:
            for s in sessions:
                sid = s.session_id
                v = model.new_int_var(0, size, f"n[{gi},{sid},{k}]")
                n[(sid, k)] = v
                model.add(v <= size * run[(sid, k)])
                attend[(sid, k)].append(v)
            model.add(sum(n[(s.session_id, k)] for s in sessions) == size)
        if len(pattern) > 1:
            for s in sessions:
                model.add(sum(n[(s.session_id, k)] for k in pattern) <= size).only_enforce_if(
                    m.guard(("no-repeat", s.session_id))
                )

    # Seats.
    for s in sessions:
        sid = s.session_id
        for k in slot_ids:
            who = attend.get((sid, k), [])
            if not who:
                continue
            # One count per run keeps the capacity rows short.
            total = model.new_int_var(0, big, f"att[{sid},{k}]")
            model.add(total == sum(who))
            model.add(total <= big * run[(sid, k)])
            for r in rooms:
                if r.capacity < big:
                    model.add(total <= r.capacity).only_enforce_if(
                        [y[(sid, k, r.room_id)], m.guard(("room-capacity", r.room_id))]
                    )
            if s.capacity is not None and s.capacity < big:
                model.add(total <= s.capacity).only_enforce_if(m.guard(("session-capacity", sid)))
    return m


def _tours_model(event: Event) -> _Model:
    # Under assumptions only the full linear relaxation counts riders against seats quickly.
    m = _Model(linearization=2)
    model = m.model
    slot_ids = [s.slot_id for s in event.slots_of(SlotKind.TOUR)]
    tours = event.tours
    y: dict[tuple[str, str], cp_model.IntVar] = {}
    for t in tours:
        for k in slot_ids:
            y[(t.tour_id, k)] = model.new_bool_var(f"y[{t.tour_id},{k}]")
            if t.slot_id is not None and t.slot_id != k:
                model.add(y[(t.tour_id, k)] == 0).only_enforce_if(m.guard(("tour-pin", t.tour_id)))
        model.add_exactly_one(y[(t.tour_id, k)] for k in slot_ids)
    people = event.participant_by_id
    for t in tours:
        for pid in t.leaders:
            for k in slot_ids:
                slot = event.slot_by_id[k]
                if not people[pid].is_present(slot):
                    why: tuple[str, ...] = ("window", pid)
                elif not people[pid].is_at(slot):
                    why = ("away", pid, k)
                else:
                    continue
                # A tour runs where its leaders are, unless their absence is relaxed.
                model.add(y[(t.tour_id, k)] == 0).only_enforce_if(
                    [m.guard(("leader", pid, t.tour_id)), m.guard(why)]
                )
    guarded = {p.participant_id for p in event.by_attends(SlotKind.TOUR)}
    leading = event.leading
    for k in slot_ids:
        present = event.present(k)
        here_ids = {p.participant_id for p in present}
        riders: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        # Riders who need step-free access, lead a tour, or ride by their attends, one by one.
        alone = [
            p
            for p in present
            if p.accessible or p.participant_id in guarded or p.participant_id in leading
        ]
        for p in alone:
            pid = p.participant_id
            mine = []
            for t in tours:
                v = model.new_bool_var(f"x[{pid},{t.tour_id},{k}]")
                model.add(v <= y[(t.tour_id, k)])
                if t.walking and p.accessible:
                    model.add(v == 0).only_enforce_if(m.guard(("step-free", pid)))
                if t.tour_id in leading.get(pid, ()):
                    # A leader rides their own tour wherever it runs.
                    model.add(v >= y[(t.tour_id, k)]).only_enforce_if(
                        m.guard(("leader", pid, t.tour_id))
                    )
                riders[t.tour_id].append(v)
                mine.append(v)
            if pid in guarded:
                # Without their attends the person needs no seat here (a leader still leads).
                model.add(sum(mine) <= 1)
                model.add(sum(mine) == 1).only_enforce_if(m.guard(("attends", "tour")))
            else:
                model.add_exactly_one(mine)
        others = len(present) - len(alone)
        counts = []
        for t in tours:
            c = model.new_int_var(0, others, f"m[{t.tour_id},{k}]")
            model.add(c <= others * y[(t.tour_id, k)])
            riders[t.tour_id].append(c)
            counts.append(c)
        model.add(sum(counts) == others)
        for t in tours:
            # Leaders who take no place here still ride their own tour when it runs here.
            extra = [
                pid
                for pid in t.leaders
                if pid not in here_ids and people[pid].is_at(event.slot_by_id[k])
            ]
            if extra:
                riders[t.tour_id].append(len(extra) * y[(t.tour_id, k)])
            if t.seats < len(present) + len(extra):
                model.add(sum(riders[t.tour_id]) <= t.seats).only_enforce_if(
                    m.guard(("tour-capacity", t.tour_id))
                )
    return m


def _networking_rules(event: Event, slot_id: str) -> list[int]:
    """Indices of the seating rules that apply in a networking slot (as the table seater reads them)."""
    here = {p.participant_id for p in event.present(slot_id)}
    out = []
    for i, rule in enumerate(event.networking_rules):
        if rule.slot_id is not None and rule.slot_id != slot_id:
            continue
        if rule.rule is RuleKind.HOST:
            if rule.participant_id in here:
                out.append(i)
        elif rule.participant_id in here and rule.other_id in here:
            out.append(i)
    return out


def _networking_model(event: Event, slot_id: str) -> _Model:
    # Under assumptions only the full linear relaxation counts hosts against tables quickly.
    m = _Model(linearization=2)
    model = m.model
    present = list(event.present(slot_id))
    rules = _networking_rules(event, slot_id)
    size = event.table_size(slot_id)
    largest = max(Counter(p.city_id for p in present if p.city_id is not None).values(), default=0)
    n_tables = max(math.ceil(len(present) / size), largest) if present else 0
    if n_tables == 0:
        return m
    low, high = len(present) // n_tables, -(-len(present) // n_tables)
    # Tables are interchangeable: people in rules first, each at a table no later than their place.
    in_rules: list[str] = []
    for i in rules:
        rule = event.networking_rules[i]
        for pid in (rule.participant_id, rule.other_id):
            if pid is not None and pid not in in_rules:
                in_rules.append(pid)
    order = in_rules + [p.participant_id for p in present if p.participant_id not in in_rules]
    z: dict[tuple[str, int], cp_model.IntVar] = {}
    for place, pid in enumerate(order):
        tables = range(min(place + 1, n_tables))
        vs = []
        for t in tables:
            z[(pid, t)] = model.new_bool_var(f"z[{pid},{t}]")
            vs.append(z[(pid, t)])
        model.add_exactly_one(vs)
    for t in range(n_tables):
        at = [z[(pid, t)] for pid in order if (pid, t) in z]
        model.add(sum(at) >= low)
        model.add(sum(at) <= high)
    cities: dict[str, list[str]] = defaultdict(list)
    for p in present:
        if p.city_id is not None:
            cities[p.city_id].append(p.participant_id)
    for members in cities.values():
        if len(members) > 1:
            for t in range(n_tables):
                at = [z[(pid, t)] for pid in members if (pid, t) in z]
                if len(at) > 1:
                    model.add_at_most_one(at)
    hosts: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for i in rules:
        rule = event.networking_rules[i]
        g = m.guard(("networking-rule", str(i)))
        a = rule.participant_id
        if rule.rule is RuleKind.HOST:
            for t in range(n_tables):
                if (a, t) not in z:
                    continue
                # w = z AND g as plain linear rows: the LP then counts hosts against tables.
                w = model.new_bool_var(f"host[{i},{t}]")
                model.add(w >= z[(a, t)] + g - 1)
                model.add(w <= z[(a, t)])
                model.add(w <= g)
                hosts[t].append(w)
            continue
        b = rule.other_id
        assert b is not None
        for t in range(n_tables):
            za = z.get((a, t))
            zb = z.get((b, t))
            if rule.rule is RuleKind.TOGETHER:
                model.add(
                    (za if za is not None else 0) == (zb if zb is not None else 0)
                ).only_enforce_if(g)
            elif za is not None and zb is not None:
                model.add(za + zb <= 1).only_enforce_if(g)
    for ws in hosts.values():
        if len(ws) > 1:
            model.add_at_most_one(ws)
    return m


def _order(event: Event) -> dict[str, int]:
    return {p.participant_id: i for i, p in enumerate(event.participants)}


# -- solving ------------------------------------------------------------------------------------


#: CP-SAT deterministic seconds per second of budget on these one-worker models.
DET_PER_SECOND = 0.5


class Work:
    """Deterministic work an explanation may do, shared by its many solves.

    The budget is counted in CP-SAT deterministic seconds, so what an
    explanation finds does not depend on the machine's speed; the wall clock
    stops a solve only at ``deadline`` (a safety net far beyond the budget),
    and a stop there is recorded (``wall_cut``). A child's work counts against
    its parents too.

    Parameters
    ----------
    limit
        Deterministic seconds this account may spend.
    deadline
        :func:`time.perf_counter` time of the wall stop.
    parent
        The account this one's spending also counts against.
    """

    def __init__(self, limit: float, deadline: float, parent: Work | None = None) -> None:
        self.limit = limit
        self.deadline = deadline
        self.parent = parent
        self.spent = 0.0
        self.wall_cut = False

    @classmethod
    def of_seconds(cls, seconds: float) -> Work:
        """The work of a ``seconds`` budget, with its wall stop at the safety net."""
        deadline = time.perf_counter() + WALL_SAFETY_FACTOR * max(seconds, 1.0)
        return cls(seconds * DET_PER_SECOND, deadline)

    def child(self, seconds: float) -> Work:
        """A share of ``seconds`` of budget, counted against this account too."""
        return Work(seconds * DET_PER_SECOND, self.deadline, self)

    def seconds_left(self) -> float:
        """Seconds of budget left (deterministic work left, in budget seconds)."""
        return max(0.0, self.limit - self.spent) / DET_PER_SECOND

    def spend(self, deterministic_seconds: float) -> None:
        """Count a solve's deterministic time here and in the parents."""
        self.spent += deterministic_seconds
        if self.parent is not None:
            self.parent.spend(deterministic_seconds)

    def cut(self) -> None:
        """Record a wall-clock stop here and in the parents."""
        self.wall_cut = True
        if self.parent is not None:
            self.parent.cut()


class _Solver:
    """Solves one part's model under a chosen set of guards, within a budget of work."""

    def __init__(self, m: _Model, seed: int, work: Work) -> None:
        self.m = m
        self.seed = seed
        self.work = work
        self.index = {lit.index: key for key, lit in m.guards.items()}

    def solve(self, guards: Sequence[Guard]) -> tuple[str, list[Guard]]:
        """``("feasible" | "infeasible" | "unknown", core)``; the core is a subset of ``guards``."""
        budget = self.work.limit - self.work.spent
        wall = self.work.deadline - time.perf_counter()
        if budget <= 0.005 or wall <= 0.01:
            return "unknown", []
        model = self.m.model
        model.clear_assumptions()
        model.add_assumptions([self.m.guards[g] for g in guards])
        solver = cp_model.CpSolver()
        p = solver.parameters
        # One worker: cores come from the sequential search, and runs are reproducible.
        p.num_workers = 1
        p.random_seed = self.seed
        p.catch_sigint_signal = False  # Ctrl-C is Python's (see common._params)
        p.max_deterministic_time = budget
        p.max_time_in_seconds = wall
        p.log_search_progress = False
        # Deep presolve (probing, symmetries) costs more than it saves on these models,
        # which are solved again and again while a conflict is shrunk.
        p.symmetry_level = 1
        p.cp_model_probing_level = 0
        p.linearization_level = self.m.linearization
        status = solver.solve(model)
        self.work.spend(solver.deterministic_time)
        if status == cp_model.UNKNOWN and solver.wall_time >= 0.98 * wall:
            self.work.cut()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "feasible", []
        if status == cp_model.INFEASIBLE:
            found = {self.index[i] for i in solver.sufficient_assumptions_for_infeasibility()
                     if i in self.index}  # fmt: skip
            return "infeasible", [g for g in guards if g in found]
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT model invalid: {model.validate()}")
        return "unknown", []


def check(
    event: Event,
    part: str,
    *,
    drop: Collection[Guard] = (),
    time_limit: float = 10.0,
    seed: int = 0,
    work: Work | None = None,
) -> str:
    """Whether ``part`` of ``event`` has a plan with every rule kept except the ``drop`` ped ones.

    The search does ``time_limit`` seconds of work at most (or what ``work`` allows).

    Returns
    -------
    str
        ``"feasible"``, ``"infeasible"`` or ``"unknown"`` (time ran out).
    """
    m = _build(event, part)
    dropped = set(drop)
    guards = [g for g in m.guards if g not in dropped]
    status, _core = _Solver(m, seed, work or Work.of_seconds(time_limit)).solve(guards)
    return status


def find_conflicts(
    event: Event,
    part: str,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    max_conflicts: int = 5,
    work: Work | None = None,
) -> PartResult:
    """Minimal sets of guarded rules of ``part`` that cannot all hold, one after another.

    After each core is found it is dropped (its rules relaxed) and the part is
    solved again, so independent conflicts are each reported once.

    Parameters
    ----------
    event
        The event.
    part
        One of :func:`parts`.
    time_limit
        Seconds of budget for this part in all (deterministic work, see :class:`Work`).
    seed
        CP-SAT's random seed.
    max_conflicts
        Stop after this many cores.
    work
        The account to count the work in, instead of ``time_limit``.
    """
    m = _build(event, part)
    solver = _Solver(m, seed, work or Work.of_seconds(time_limit))
    dropped: set[Guard] = set()
    cores: list[Core] = []
    status = "feasible"
    cut_short = False
    while len(cores) < max_conflicts:
        active = [g for g in m.guards if g not in dropped]
        outcome, core = solver.solve(active)
        if outcome == "feasible":
            break
        if outcome == "unknown":
            cut_short = True
            status = status if cores else "unknown"
            break
        status = "infeasible"
        if not core:
            core = _empty_or(solver, active)
        shrunk, minimal = _shrink(solver, core)
        cut_short |= not minimal
        cores.append(Core(tuple(shrunk), minimal))
        if not shrunk:
            break  # no relaxable rule is involved: nothing more to drop
        dropped.update(shrunk)
    logger.info("explain %s: %s, %d conflicts", part, status, len(cores))
    return PartResult(part, status, tuple(cores), cut_short)


def _shrink(solver: _Solver, core: list[Guard]) -> tuple[list[Guard], bool]:
    """A minimal core inside ``core``, by deletion: drop each guard in turn, keep what is needed."""
    minimal = True
    core = list(core)
    # A loose core (CP-SAT's can be) is first cut in chunks; small ones go one guard at a time.
    chunk = len(core) // 2 if len(core) > 8 else 0
    while chunk >= 2:
        i = 0
        while i < len(core):
            trial = core[:i] + core[i + chunk :]
            outcome, sub = solver.solve(trial)
            if outcome == "infeasible":
                core = sub if sub else _empty_or(solver, trial)
            else:
                i += chunk
        chunk //= 2
    i = 0
    while i < len(core):
        trial = core[:i] + core[i + 1 :]
        outcome, sub = solver.solve(trial)
        if outcome == "infeasible":
            kept = set(sub if sub else _empty_or(solver, trial))
            core = [g for g in trial if g in kept]
        else:
            if outcome == "unknown":
                minimal = False
            i += 1
    return core, minimal


def _empty_or(solver: _Solver, trial: list[Guard]) -> list[Guard]:
    """``[]`` if the part has no plan even with every guard dropped, else ``trial``."""
    outcome, _core = solver.solve([])
    return [] if outcome == "infeasible" else trial
