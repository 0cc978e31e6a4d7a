"""The printable agenda: one self-contained HTML file, a page per participant."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

from convening import EventBuilder
from convening.export.html import agenda_html, write_agenda_html
from convening.plan import Plan, Run, Table

EVIL = '<script>alert("x")</script> & co'
DAY = dt.datetime(2027, 4, 20)


def make_plan() -> Plan:
    b = EventBuilder("Peer <exchange>", "Albany, NY", "America/New_York", venue="Hall & Annex")
    b.add_city("c0", "City 0", "NY")
    b.add_city("c1", "City 1", "NY")
    people = []
    for cid in ("c0", "c1"):
        for suffix in ("a", "b", "p"):
            pid = f"{cid}-{suffix}"
            people.append(pid)
            role = "partner" if suffix == "p" else "official"
            b.add_participant(pid, f"Person {pid} <{suffix}>", city_id=cid, role=role)
    b.add_room("hall", "Main hall", 50)
    b.add_room("r0", "Room <0>", 10)
    b.add_room("r1", "Room 1", 10)
    b.add_slot("open", DAY.replace(hour=9), DAY.replace(hour=10), "plenary")
    b.add_slot("coffee", DAY.replace(hour=10), DAY.replace(hour=10, minute=30), "break")
    b.add_slot("b1", DAY.replace(hour=10, minute=30), DAY.replace(hour=11, minute=30), "breakout")
    b.add_slot("lunch", DAY.replace(hour=12), DAY.replace(hour=13), "networking")
    b.add_slot("tour", DAY.replace(hour=14, day=21), DAY.replace(hour=16, day=21), "tour")
    b.add_session("welcome", EVIL, "plenary")
    b.add_session("x0", "Breakout zero")
    b.add_session("x1", "Breakout one")
    b.add_tour("bus", "Bus tour", 30, slot_id="tour", meeting_point="Front <steps>")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = b.build()
    runs = [
        Run("welcome", "plenary", "open", "hall", people),
        Run("x0", "breakout", "b1", "r0", people[:3]),
        Run("x1", "breakout", "b1", "r1", people[3:]),
        Run("bus", "tour", "tour", None, people),
    ]
    tables = [
        Table("lunch", 1, "networking", ["c0-a", "c1-a", "c0-p"]),
        Table("lunch", 2, "networking", ["c0-b", "c1-b", "c1-p"]),
    ]
    return Plan(event, runs, tables)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "section" and "person" in (found.get("class") or ""):
            self.sections.append(found.get("id") or "")
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def test_agenda_has_a_page_per_participant(tmp_path: Path) -> None:
    plan = make_plan()
    path = write_agenda_html(plan, tmp_path / "agenda.html")
    html = path.read_text(encoding="utf-8")
    parsed = parse(html)
    assert parsed.sections == [f"person-{p.participant_id}" for p in plan.event.participants]
    assert "break-after: page" in html and "page-break-after: always" in html
    text = "".join(parsed.text)
    for person in plan.event.participants:
        assert person.name in text
    # Each person's section lists their own activities and networking table.
    section = html.split('id="person-c1-b"')[1].split("</section>")[0]
    assert "Breakout one" in section and "Breakout zero" not in section
    assert "<td>2</td>" in section  # table number at lunch


def test_day_grid_has_rooms_times_and_tours() -> None:
    html = agenda_html(make_plan())
    text = "".join(parse(html).text)
    assert "Tuesday 20 April 2027" in text and "Wednesday 21 April 2027" in text
    assert "Room <0>" in text and "Main hall" in text
    assert "10:30–11:30" in text
    assert "Networking at 2 tables" in text and ">Break</td>" in html
    assert "meet at Front <steps>" in text


def test_text_is_escaped_and_nothing_is_fetched() -> None:
    html = agenda_html(make_plan())
    parsed = parse(html)
    assert parsed.scripts == 0
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert EVIL in "".join(parsed.text)  # the title reads as written
    assert not re.search(r"https?:", html)
    for tag, attrs in parsed.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed"}
        assert "src" not in attrs and "href" not in attrs


def test_same_plan_same_bytes_and_no_temporary_files(tmp_path: Path) -> None:
    first = write_agenda_html(make_plan(), tmp_path / "a" / "agenda.html").read_bytes()
    second = write_agenda_html(make_plan(), tmp_path / "b" / "agenda.html").read_bytes()
    assert first == second
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "agenda.html", "agenda.html", "b"]


def test_named_breaks_meals_and_coaching_show_in_the_day_grid() -> None:
    from convening.solve import SolveOptions, solve
    from tests.solvers.test_places import staffed_event

    event = staffed_event()
    plan = solve(event, SolveOptions(time_limit=5, method="greedy"))
    text = "".join(parse(agenda_html(plan)).text)
    assert "Registration and breakfast" in text
    assert "Dinner at the Public Market" in text and "Public Market, 1 Main St" in text
    # The place is markup of its own, escaped once: never tags shown as text.
    assert "<span" not in text and "&lt;" not in text
    assert "Dinner at the Public Market at Public Market, 1 Main St" in " ".join(text.split())
    assert "Lunch: networking at" in text
    # Four delegation tables, one facilitator coaching all of them; no support table.
    assert "Action planning at 4 delegation tables, 1 coach" in text
