"""A printable agenda: one HTML file with the day grids and a page per participant.

The file stands alone (inline CSS, no scripts, nothing fetched), so it opens
and prints the same anywhere, offline. Each day is a grid of time slots by
room; then each participant's itinerary prints on a page of its own, ready
to hand out. All text is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from html import escape
from pathlib import Path

from convening._files import write_text_atomic
from convening.dates import day_label
from convening.model import Event, Slot, SlotKind
from convening.plan import ActivityKind, Plan, Run

__all__ = ["agenda_html", "write_agenda_html"]

logger = logging.getLogger(__name__)


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5em;
  color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.2em; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.45em; vertical-align: top; text-align: left;
  font-size: 0.9em; }
th { background: #eee; }
td.time { white-space: nowrap; width: 7em; }
td.whole { background: #f6f6f6; font-style: italic; }
.kind { color: #666; font-size: 0.85em; }
.count { color: #666; font-size: 0.85em; }
section.day { break-inside: avoid-page; }
section.agenda { page-break-after: always; break-after: page; }
section.person { page-break-after: always; break-after: page; }
section.person:last-of-type { page-break-after: auto; break-after: auto; }
@media print { body { margin: 0; } th { background: #eee !important; } }
""".strip()


def agenda_html(plan: Plan) -> str:
    """The printable agenda of a plan as one HTML document.

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    str
        A complete HTML5 document with inline CSS and no external references.
    """
    event = plan.event
    title = f"{event.name} — agenda"
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
        '<section class="agenda">',
        f"<h1>{_e(event.name)}</h1>",
        f'<p class="sub">{_e(_where(event))}</p>',
    ]
    for day, slots in _days(event.slots):
        parts += _day_grid(plan, day, slots)
    parts.append("</section>")
    by_person = _itineraries(plan)
    for person in event.participants:
        parts += _person_section(
            plan, person.participant_id, by_person.get(person.participant_id, [])
        )
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def write_agenda_html(plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Write :func:`agenda_html` to ``path`` (usually ``agenda.html``), atomically.

    Parameters
    ----------
    plan
        The plan.
    path
        The file to write; its folder is made if missing.

    Returns
    -------
    Path
        The file written.
    """
    return write_text_atomic(path, agenda_html(plan))


# -- pieces ---------------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _where(event: Event) -> str:
    parts = [event.host_city, event.venue or "", f"times in {event.timezone}"]
    return " · ".join(p for p in parts if p)


def _hm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _span(slot: Slot) -> str:
    end = _hm(slot.end)
    if slot.end.date() != slot.start.date():
        end += f" (+{(slot.end.date() - slot.start.date()).days}d)"
    return f"{_hm(slot.start)}–{end}"


def _days(slots: Iterable[Slot]) -> list[tuple[dt.date, list[Slot]]]:
    out: dict[dt.date, list[Slot]] = {}
    for slot in sorted(slots, key=Slot.sort_key):
        out.setdefault(slot.start.date(), []).append(slot)
    return sorted(out.items())


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ")


def _day_grid(plan: Plan, day: dt.date, slots: list[Slot]) -> list[str]:
    event = plan.event
    day_runs = [r for s in slots for r in plan.runs_in(s.slot_id)]
    used = {r.room_id for r in day_runs if r.room_id is not None}
    rooms = [room for room in event.rooms if room.room_id in used]
    has_tours = any(r.room_id is None for r in day_runs)
    width = 1 + len(rooms) + (1 if has_tours else 0)
    head = ["<th>Time</th>", *(f"<th>{_e(room.name)}</th>" for room in rooms)]
    if has_tours:
        head.append("<th>Tours</th>")
    if width == 1:  # a day of tables and breaks only still gets a column to say so
        head.append("<th>Activity</th>")
        width = 2
    rows = [
        '<section class="day">',
        f"<h2>{_e(day_label(day))}</h2>",
        "<table>",
        f"<thead><tr>{''.join(head)}</tr></thead>",
        "<tbody>",
    ]
    for slot in slots:
        time_cell = (
            f'<td class="time">{_e(_span(slot))}<br>'
            f'<span class="kind">{_e(_kind_label(slot.kind.value))}</span></td>'
        )
        runs = plan.runs_in(slot.slot_id)
        if slot.kind in (SlotKind.NETWORKING, SlotKind.ACTION_PLANNING, SlotKind.BREAK) or (
            not runs and width > 1
        ):
            note = _whole_row_note(plan, slot)
            span = f' colspan="{width - 1}"' if width > 2 else ""
            whole = f'<td class="whole"{span}>{note}</td>' if width > 1 else ""
            rows.append(f"<tr>{time_cell}{whole}</tr>")
            continue
        cells: list[str] = []
        for room in rooms:
            here = sorted(
                (r for r in runs if r.room_id == room.room_id), key=lambda r: r.activity_id
            )
            cells.append(f"<td>{'<br>'.join(_run_cell(plan, r) for r in here)}</td>")
        if has_tours:
            tours = sorted((r for r in runs if r.room_id is None), key=lambda r: r.activity_id)
            cells.append(f"<td>{'<br>'.join(_run_cell(plan, r) for r in tours)}</td>")
        rows.append(f"<tr>{time_cell}{''.join(cells)}</tr>")
    rows += ["</tbody>", "</table>", "</section>"]
    return rows


def _whole_row_note(plan: Plan, slot: Slot) -> str:
    tables = plan.tables_in(slot.slot_id)
    where = f' <span class="kind">at {_e(slot.location)}</span>' if slot.location else ""
    named = f"{_e(slot.title)}: " if slot.title else ""
    if slot.kind is SlotKind.NETWORKING:
        what = (
            f"networking at {len(tables)} tables"
            if named
            else f"Networking at {len(tables)} tables"
        )
        return f"{named}{what}{where}"
    if slot.kind is SlotKind.ACTION_PLANNING:
        delegations = sum(1 for t in tables if t.city_id is not None)
        coaches = len({c for t in tables for c in t.coaches})
        what = "action planning" if named else "Action planning"
        coached = f", {coaches} coach{'' if coaches == 1 else 'es'}" if coaches else ""
        return f"{named}{what} at {delegations} delegation tables{coached}{where}"
    if slot.kind is SlotKind.BREAK:
        return f"{_e(slot.label)}{where}"
    return "—"


def _run_cell(plan: Plan, run: Run) -> str:
    title = _e(plan.title_of(run))
    count = f'<span class="count">({len(run.attendees)})</span>'
    if run.kind is ActivityKind.TOUR:
        point = plan.event.tour_by_id[run.activity_id].meeting_point
        where = f'<br><span class="kind">meet at {_e(point)}</span>' if point else ""
        return f"{title} {count}{where}"
    return f"{title} {count}"


def _itineraries(plan: Plan) -> dict[str, list[tuple[Slot, str, str, str]]]:
    """Each participant's rows: slot, title, location, table number (or empty)."""
    slots = plan.event.slot_by_id
    out: dict[str, list[tuple[Slot, str, str, str]]] = {}
    for row in plan.itinerary_rows():
        table = "" if row.table is None else str(row.table)
        out.setdefault(row.participant_id, []).append(
            (slots[row.slot_id], row.title, row.location, table)
        )
    return out


def _person_section(plan: Plan, pid: str, rows: list[tuple[Slot, str, str, str]]) -> list[str]:
    event = plan.event
    person = event.participant_by_id[pid]
    city = event.city_by_id.get(person.city_id or "")
    about = [str(person.role)]
    if city is not None:
        about.insert(0, city.label)
    if person.organization:
        about.append(person.organization)
    out = [
        f'<section class="person" id="person-{_e(pid)}">',
        f"<h2>{_e(person.name)}</h2>",
        f'<p class="sub">{_e(" · ".join(about))} — {_e(event.name)}</p>',
    ]
    if not rows:
        out += ["<p>No activities scheduled.</p>", "</section>"]
        return out
    out += [
        "<table>",
        "<thead><tr><th>Day</th><th>Time</th><th>Activity</th><th>Where</th><th>Table</th></tr></thead>",
        "<tbody>",
    ]
    for slot, title, location, table in rows:
        out.append(
            "<tr>"
            f'<td class="time">{_e(day_label(slot.start.date()))}</td>'
            f'<td class="time">{_e(_span(slot))}</td>'
            f"<td>{_e(title)}</td>"
            f"<td>{_e(location)}</td>"
            f"<td>{_e(table)}</td>"
            "</tr>"
        )
    out += ["</tbody>", "</table>", "</section>"]
    return out
