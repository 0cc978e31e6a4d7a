"""A quality report of a plan that planners can read: one self-contained HTML page.

The page holds the solver's status and what to do next, the plan's metrics,
the event's warnings, and the pictures of :mod:`convening.plotting` embedded
as PNG data (no scripts, styles, fonts or images are fetched from anywhere),
so it opens and prints the same offline. All text is HTML-escaped. The same
plan always gives the same page, byte for byte.

:func:`convening.export.report.write_report` writes it to a file.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

from matplotlib.figure import Figure

from convening.plan import RUN_METRICS, ActivityKind, Plan
from convening.plotting import (
    plot_agenda_grid,
    plot_city_meetings,
    plot_itinerary,
    plot_new_peers,
    plot_preference_outcome,
    worst_off,
)
from convening.plotting._common import root_figure

__all__ = ["PICTURES", "plan_report_html", "report_pngs"]

logger = logging.getLogger(__name__)

#: Resolution of the embedded pictures.
DPI = 100
#: The report's pictures, by name (those that apply to a plan are drawn).
PICTURES = ("agenda_grid", "preference_outcome", "city_meetings", "new_peers", "itinerary")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5em;
  color: #111; max-width: 80em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.4em; border-bottom: 1px solid #ddd; }
.sub { color: #555; margin-top: 0; }
.status { font-weight: bold; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; font-size: 0.9em;
  vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
.none { color: #555; font-style: italic; }
h3 { font-size: 1.05em; margin-bottom: 0.2em; }
td.key { color: #666; font-family: ui-monospace, monospace; font-size: 0.8em; }
@media print { body { margin: 0; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
""".strip()


def plan_report_html(plan: Plan, *, drawn: Mapping[str, bytes] | None = None) -> str:
    """The quality report of a plan as one HTML document.

    Parameters
    ----------
    plan
        The plan.
    drawn
        Pictures already drawn, as :func:`report_pngs` gives them (e.g. in
        other processes), by name; the others are drawn here.

    Returns
    -------
    str
        A complete HTML5 document: status and advice, metrics, the event's
        warnings, the agenda grid, the preference outcome with the worst-off
        people, the networking mix (city meetings and new peers, when the plan
        has networking tables) and the itinerary of the worst-off person's
        delegation. Pictures are inline ``data:image/png;base64`` images.
    """
    event = plan.event
    title = f"{event.name} — plan quality report"
    where = " · ".join(p for p in (event.host_city, event.venue or "") if p)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="sub">{_e(where)}</p>',
        "<h2>Status</h2>",
        f'<p><span class="status">{_e(plan.status.value)}</span>: {_e(plan.status.cli_advice)}</p>',
    ]
    parts += _act_on_first(plan)
    parts += _metrics(plan)
    parts += _warnings(event.warnings)
    parts += _pictures(plan, _Drawer(drawn or {}))
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def report_pngs(plan: Plan, names: Iterable[str]) -> dict[str, bytes]:
    """The report's pictures named (among :data:`PICTURES`) that the plan has, as PNG bytes.

    Drawing the pictures takes most of the time of a large plan's report;
    they can be drawn apart and passed to :func:`plan_report_html` as ``drawn``.
    """
    drawer = _Drawer({}, only=frozenset(names))
    _pictures(plan, drawer)
    return drawer.new


class _Drawer:
    """Draws the report's pictures, or takes them from those drawn already."""

    def __init__(self, drawn: Mapping[str, bytes], only: frozenset[str] | None = None) -> None:
        self.drawn = drawn
        self.only = only
        self.new: dict[str, bytes] = {}

    def figure(self, name: str, make: Callable[[], Figure], alt: str, caption: str) -> str:
        """The ``<figure>`` of picture ``name``; ``make`` draws it when it is not drawn yet."""
        data = self.drawn.get(name)
        if data is None and (self.only is None or name in self.only):
            data = self.new[name] = png_bytes(make())
        if data is None:
            return ""  # not asked for (report_pngs)
        encoded = base64.b64encode(data).decode("ascii")
        return (
            f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{encoded}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>"
        )


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as PNG bytes, the same for the same figure (no software or date stamps)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


# -- sections -----------------------------------------------------------------------------


def _act_on_first(plan: Plan) -> list[str]:
    from convening.attention import attention

    found = attention(plan)
    out = ["<h2>Act on first</h2>", "<h3>Who is worst off, and why</h3>"]
    if found.worst_off:
        out += [
            "<table>",
            "<tr><th>Participant</th><th>City</th><th>Share of best possible</th>"
            "<th>Why</th></tr>",
        ]
        for person in found.worst_off:
            out.append(
                f"<tr><td>{_e(person.name)} ({_e(person.participant_id)})</td>"
                f'<td>{_e(person.city)}</td><td class="num">{_e(_value(person.share_pct))} %</td>'
                f"<td>{_e(person.why)}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append('<p class="none">Nobody ranked a breakout session.</p>')
    out.append("<h3>Sessions over capacity, full or nearly empty</h3>")
    if found.runs:
        out += [
            "<table>",
            "<tr><th>Slot</th><th>Session</th><th>Room</th><th>Attendees</th><th>Seats</th>"
            "<th></th></tr>",
        ]
        for run in found.runs:
            out.append(
                f"<tr><td>{_e(run.slot_id)}</td><td>{_e(run.session)}</td><td>{_e(run.room)}</td>"
                f'<td class="num">{run.attendees}</td><td class="num">{run.seats}</td>'
                f"<td>{_e(run.state)}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append('<p class="none">No session is full, over capacity or under a third full.</p>')
    out.append("<h3>Action-planning tables without a coach</h3>")
    if found.uncoached:
        out += ["<table>", "<tr><th>Slot</th><th>Table</th><th>Delegation</th></tr>"]
        for table in found.uncoached:
            out.append(
                f'<tr><td>{_e(table.slot_id)}</td><td class="num">{table.table}</td>'
                f"<td>{_e(table.delegation)}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append('<p class="none">Every delegation table has a coach.</p>')
    return out


def _metrics(plan: Plan) -> list[str]:
    from convening.labels import labelled

    out = ["<h2>Metrics</h2>"]
    shown = [(k, v) for k, v in plan.metrics.items() if k not in RUN_METRICS]
    if not shown:
        return [*out, '<p class="none">The plan has no metrics.</p>']
    out += ["<table>", "<tr><th>Figure</th><th>Value</th><th>Meaning</th><th>Name</th></tr>"]
    group = None
    for label, value in labelled(shown):
        if label.group != group:
            group = label.group
            out.append(f'<tr><th colspan="4">{_e(group.capitalize())}</th></tr>')
        cls = ' class="num"' if _is_number(value) else ""
        out.append(
            f"<tr><td>{_e(label.label)}</td><td{cls}>{_e(_value(value))}</td>"
            f'<td>{_e(label.meaning)}</td><td class="key">{_e(label.key)}</td></tr>'
        )
    return [*out, "</table>"]


def _warnings(problems: Iterable[Any]) -> list[str]:
    items = [str(p) for p in problems]
    out = ["<h2>Warnings about the event</h2>"]
    if not items:
        return [*out, '<p class="none">None.</p>']
    return [*out, "<ul>", *(f"<li>{_e(text)}</li>" for text in items), "</ul>"]


def _pictures(plan: Plan, draw: _Drawer) -> list[str]:
    event = plan.event
    out = ["<h2>Agenda</h2>"]
    out.append(
        draw.figure(
            "agenda_grid",
            lambda: plot_agenda_grid(plan),
            "Agenda grid",
            "Rooms by time for each day; colour is the topic, the dark bar and the "
            "numbers show attendance against capacity.",
        )
    )

    out.append("<h2>Breakout preferences</h2>")
    table = worst_off(plan, 10)
    if len(table):
        out.append(
            draw.figure(
                "preference_outcome",
                lambda: root_figure(plot_preference_outcome(plan)),
                "Preference outcome",
                "Each person's breakout points as a share of the best they could have had "
                "(9 − rank for ranks 1–8, over their best ranks for the slots they attend and do "
                "not present in); the lowest share is the worst-off share of the metrics.",
            )
        )
        out += _worst_off_table(table)
    else:
        out.append('<p class="none">Nobody ranked a breakout session.</p>')

    out.append("<h2>Networking mix</h2>")
    if any(t.kind is ActivityKind.NETWORKING for t in plan.tables):
        out.append(
            draw.figure(
                "city_meetings",
                lambda: root_figure(plot_city_meetings(plan)),
                "City meetings",
                "How many networking tables people of two cities shared, over all networking slots.",
            )
        )
        out.append(
            draw.figure(
                "new_peers",
                lambda: root_figure(plot_new_peers(plan)),
                "New peers",
                "Distinct people from other delegations each person met at networking tables.",
            )
        )
    else:
        out.append('<p class="none">The plan has no networking tables.</p>')

    city_id = _example_city(plan, list(table["participant_id"]) if len(table) else [])
    if city_id is not None:
        label = event.city_by_id[city_id].label
        out.append("<h2>An itinerary</h2>")
        out.append(
            draw.figure(
                "itinerary",
                lambda: root_figure(plot_itinerary(plan, city_id=city_id)),
                f"Itinerary of the {label} delegation",
                "The delegation of the worst-off person, one lane per member and day.",
            )
        )
    return out


def _worst_off_table(table: Any) -> list[str]:
    out = [
        "<table>",
        "<tr><th>Participant</th><th>City</th><th>Points</th><th>Best possible</th>"
        "<th>Share</th><th>Breakouts attended</th></tr>",
    ]
    for row in table.itertuples(index=False):
        out.append(
            f"<tr><td>{_e(row.name)} ({_e(row.participant_id)})</td><td>{_e(row.city)}</td>"
            f'<td class="num">{_e(row.points)}</td><td class="num">{_e(row.best_possible)}</td>'
            f'<td class="num">{_e(_value(row.share_pct))} %</td><td>{_e(row.attended)}</td></tr>'
        )
    return [*out, "</table>"]


def _example_city(plan: Plan, worst: list[str]) -> str | None:
    event = plan.event
    for pid in worst:
        city_id = event.participant_by_id[pid].city_id
        if city_id is not None and event.delegation_by_city[city_id].members:
            return city_id
    return next((d.city_id for d in event.delegations if d.members), None)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(value: Any) -> str:
    # Six significant digits: solver times and gaps need no more, and they would not fit.
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _e(text: object) -> str:
    return escape(str(text), quote=True)
