"""Every figure of a plan in the planner's words: a label and one sentence of meaning.

:data:`METRIC_LABELS` is the one table that ``report.html``, the workbook's
``metrics`` sheet (:func:`convening.views.metrics_frame`) and the notebooks
share. Each metric has one line: its key in :attr:`Plan.metrics
<convening.plan.Plan.metrics>`, its group, a short label and what it means.
Groups come in :data:`GROUPS` order, and within a group the lines keep the
order written here, so the figures a planner acts on come first. A new metric
is one new line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = ["GROUPS", "METRIC_LABELS", "MetricLabel", "label_of", "labelled"]

#: The groups, in the order a planner reads them.
GROUPS = (
    "event",
    "fairness",
    "preferences",
    "delegations",
    "rooms",
    "coaching",
    "networking",
    "tours",
    "re-plan",
    "solver",
    "other",
)


@attrs.frozen
class MetricLabel:
    """A metric in the planner's words.

    Attributes
    ----------
    key
        The metric's name in :attr:`Plan.metrics <convening.plan.Plan.metrics>`.
    group
        One of :data:`GROUPS`.
    label
        A few words, e.g. ``"Worst-off person's share"``.
    meaning
        One sentence: what the figure counts and which way is better.
    """

    key: str
    group: str = attrs.field()
    label: str
    meaning: str

    @group.validator
    def _known(self, _attr: Any, value: str) -> None:
        if value not in GROUPS:
            raise ValueError(f"unknown metric group {value!r}")


def _m(key: str, group: str, label: str, meaning: str) -> MetricLabel:
    return MetricLabel(key, group, label, meaning)


# fmt: off
#: One line per metric: key, group, label, meaning.
METRIC_LABELS: tuple[MetricLabel, ...] = (
    _m("event", "event", "Event", "The event this plan is of."),
    _m("host_city", "event", "Host city", "Where the event takes place."),
    _m("timezone", "event", "Time zone", "The zone of every time in the plan and its calendars."),
    _m("status", "solver", "Plan status", "optimal: no better plan exists; feasible: every rule holds, a better plan may exist."),
    _m("worst_off_share_pct", "fairness", "Worst-off person's share (%)", "The lowest share any one person got of the breakout points they could have had (sessions they present left out); the report names who and why."),
    _m("preference_score_mean_pct", "fairness", "Average person's share (%)", "Each person's share of their best possible breakout points, averaged over the people who ranked sessions."),
    _m("preference_score_pct", "preferences", "Breakout wishes met (%)", "Breakout points everyone got as a share of the most possible if rooms had no limits and sessions never clashed (rank 1 = 8 points … rank 8 = 1)."),
    _m("first_choices", "preferences", "First choices granted", "People attending the breakout session they ranked first."),
    _m("ranked_attendance_pct", "preferences", "Breakout seats wanted (%)", "Share of breakout attendances in a session the attendee ranked at all."),
    _m("preference_score_points", "preferences", "Breakout points earned", "Sum over everyone of 9 − rank for each ranked breakout session they attend."),
    _m("preference_score_bound", "preferences", "Breakout points possible", "The same sum if everyone had their top-ranked sessions in every breakout slot they attend."),
    _m("delegation_spread_pct", "delegations", "Delegations spread out (%)", "Share of breakout slots, among those with a session for each member, in which a delegation's members are all in different sessions, so together they bring back more."),
    _m("topic_clashes", "delegations", "Same-topic clashes", "Extra sessions on one topic running at the same time (0 is best): people keen on that topic can see only one."),
    _m("room_fill_pct", "rooms", "Average room fill (%)", "Breakout attendance as a share of the room's seats, averaged over session runs; the report lists full and nearly empty ones."),
    _m("room_fill_min_pct", "rooms", "Emptiest room fill (%)", "Attendance as a share of the seats in the emptiest breakout run: low means a small session lost in a big room."),
    _m("unranked_attendances", "rooms", "Unranked places", "Breakout places of people who did not rank that session (no survey answer, too few ranks, or ranks that could not be met)."),
    _m("unranked_topic_match_pct", "rooms", "Unranked places on a topic of theirs (%)", "Of the unranked places of people who (or whose city) named topics, the share in a session on one of those topics (higher is better)."),
    _m("unranked_in_one_run_max_pct", "rooms", "Most unranked people in one session (%)", "The largest share of one slot's unranked people sitting in one session, worst slot: high means one room filled with people who did not choose it while others ran nearly empty."),
    _m("action_planning_coached_pct", "coaching", "Coached action-planning tables (%)", "Share of delegation tables in action planning that have a coach; the report lists the tables without one."),
    _m("networking_same_city_pairs", "networking", "Delegation pairs at one networking table", "Pairs of one delegation seated together at networking (must be 0)."),
    _m("networking_repeat_meetings", "networking", "Repeat meetings at networking", "Times two people share a networking table again after the first time (0 is best)."),
    _m("networking_peers_mean", "networking", "Peers met per person", "Distinct people each person meets at networking tables, on average."),
    _m("networking_peers_min", "networking", "Fewest peers met by one person", "The fewest distinct people anyone seated at networking meets there."),
    _m("networking_peers_bound_pct", "networking", "Networking mix (%)", "Distinct people met at networking as a share of the most the table sizes allow."),
    _m("networking_topic_tables_pct", "networking", "Networking tables with a shared topic (%)", "Share of networking tables whose conversation starter is a topic at least two people there share."),
    _m("tour_score_pct", "tours", "Tour wishes met (%)", "Tour points everyone got as a share of the most possible, scored like breakouts."),
    _m("tour_first_choices", "tours", "First-choice tours granted", "People on the tour they ranked first."),
    _m("tour_score_points", "tours", "Tour points earned", "Sum over everyone of 9 − rank for each ranked tour they take."),
    _m("tour_score_bound", "tours", "Tour points possible", "The same sum if everyone had their top-ranked tours."),
    _m("people_moved", "re-plan", "People moved", "People whose sessions or tours differ from the previous plan (a session in another room at the same time is no move)."),
    _m("forced_moves", "re-plan", "Moves the change forced", "Of the people moved, those whose previous session or tour can no longer run at that time in any room."),
    _m("people_room_changed", "re-plan", "People in another room only", "People who keep their sessions and times, with a session now in another room."),
    _m("people_reseated", "re-plan", "People re-seated", "People at a different networking or action-planning table than in the previous plan."),
    _m("runs_moved_in_time", "re-plan", "Session runs moved in time", "Session runs now in another slot than in the previous plan: their presenters and audience get a new time."),
    _m("runs_moved_in_room", "re-plan", "Session runs moved in room", "Session runs that keep their slot in another room: only the location changes."),
    _m("sessions_moved", "re-plan", "Session runs moved", "Session runs now in another slot or room than in the previous plan (both of the above)."),
    _m("calendars_changed", "re-plan", "Calendars changed", "People whose calendar changed and who should be told (the notify sheet of changes.xlsx)."),
    _m("method", "solver", "Planning method", "How the agenda was found: whole (one model), decomposed (slot by slot), greedy (no solver answer in time) or replan."),
    _m("solver_gap", "solver", "Solver gap", "How far the plan may be from the best possible, as a fraction of the solver's bound (0: proven best; empty: not measured)."),
    _m("deterministic", "solver", "Repeatable", "True when the same input, seed and worker count give this same plan again."),
    _m("solve_seconds", "solver", "Planning time (s)", "Seconds the planning took on this machine (not written to files)."),
)
# fmt: on

_BY_KEY: dict[str, MetricLabel] = {m.key: m for m in METRIC_LABELS}
_ORDER = {m.key: i for i, m in enumerate(METRIC_LABELS)}


def label_of(key: str) -> MetricLabel:
    """The label of a metric; a metric without one is shown under its own name, in ``other``."""
    found = _BY_KEY.get(key)
    if found is not None:
        return found
    return MetricLabel(key, "other", key, "")


def labelled(
    metrics: Mapping[str, Any] | Iterable[tuple[str, Any]],
) -> list[tuple[MetricLabel, Any]]:
    """Metrics with their labels, in group order, then table order, then their own order.

    Parameters
    ----------
    metrics
        Metric names and values (a mapping or pairs).

    Returns
    -------
    list of (MetricLabel, value)
    """
    pairs = list(metrics.items() if isinstance(metrics, Mapping) else metrics)
    groups = {g: i for i, g in enumerate(GROUPS)}
    keyed = [
        ((groups[label_of(k).group], _ORDER.get(k, len(_ORDER)), i), label_of(k), v)
        for i, (k, v) in enumerate(pairs)
    ]
    return [(label, value) for _, label, value in sorted(keyed, key=lambda t: t[0])]
