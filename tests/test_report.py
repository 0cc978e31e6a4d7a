"""The quality report: one self-contained, escaped, deterministic HTML page."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from matplotlib.figure import Figure

from convening import OutputExistsError, Plan
from convening.export.report import write_report
from convening.plotting import plot_new_peers
from convening.report import PICTURES, plan_report_html, png_bytes, report_pngs
from tests.plotting.plans import two_day_event, two_day_plan

NAME = "<script>alert('x')</script> & friends"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return two_day_plan(two_day_event(NAME))


@pytest.fixture(scope="module")
def page(plan: Plan) -> str:
    return plan_report_html(plan)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_every_picture_is_an_inline_png(page: str) -> None:
    parsed = _parse(page)
    alts = [img["alt"] for img in parsed.images]
    assert alts == [
        "Agenda grid",
        "Preference outcome",
        "City meetings",
        "New peers",
        # c3 fared worst, so their delegation's day is shown.
        "Itinerary of the Cohoes, NY delegation",
    ]
    for img in parsed.images:
        src = img["src"] or ""
        assert src.startswith("data:image/png;base64,")
        data = base64.b64decode(src.removeprefix("data:image/png;base64,"), validate=True)
        assert data.startswith(b"\x89PNG")


def test_nothing_is_fetched_from_elsewhere(page: str) -> None:
    assert "http://" not in page
    assert "https://" not in page
    tags = set(_parse(page).tags)
    assert not tags & {"script", "link", "iframe", "object", "embed"}


def test_text_is_escaped(page: str) -> None:
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends" in page
    text = "".join(_parse(page).text)
    assert f"{NAME} — plan quality report" in text


def test_metrics_warnings_and_advice_are_shown(plan: Plan, page: str) -> None:
    text = "".join(_parse(page).text)
    # Each figure in the planner's words, with its meaning; its name is kept beside.
    assert "Breakout wishes met (%)87.5Breakout points everyone got" in text
    assert "preference_score_pct" in text
    assert "<b>odd</b>x < y" in text  # a metric name that looks like markup stays text
    assert "solve_seconds" not in text  # wall-clock time would make two reports differ
    (warning,) = plan.event.warnings
    assert str(warning) in text
    assert plan.status.cli_advice in text
    # The worst-off table names the worst-off person first.
    assert text.index("Cohoes Three (c3)") < text.index("Buffalo Three (b3)")


def test_what_to_act_on_comes_first(page: str) -> None:
    text = "".join(_parse(page).text)
    first = text.index("Act on first")
    assert first < text.index("Metrics") < text.index("Warnings about the event")
    section = text[first : text.index("Metrics")]
    # Cohoes Three fared worst (46.67 %): their first choice has a delegation colleague in it.
    assert section.index("Cohoes Three (c3)") < section.index("Buffalo Three (b3)")
    assert "46.67 %" in section
    assert "Equity in practice (rank 1) has Cohoes One of their delegation" in section
    # The main hall holds 40; the breakouts there are under a third full.
    assert "Data for actionMain hall440nearly empty" in section
    # Only Albany's action-planning table has a coach.
    for n, city in ((2, "Buffalo, NY"), (3, "Cohoes, NY"), (4, "Delta, NY")):
        assert f"ap{n}{city}" in section
    assert "Albany, NY" not in section.split("without a coach")[1]


@pytest.mark.parametrize(("seats", "state"), [(5, "full"), (4, "over capacity")])
def test_a_full_room_is_listed(seats: int, state: str) -> None:
    plan = two_day_plan()
    event = plan.event
    small = [attrs.evolve(r, capacity=seats) if r.room_id == "r1" else r for r in event.rooms]
    page = plan_report_html(attrs.evolve(plan, event=attrs.evolve(event, rooms=small)))
    text = "".join(_parse(page).text)
    section = text[text.index("Act on first") : text.index("Metrics")]
    title = plan.title_of(plan.runs[1])  # x1, in room r1 in both breakout slots
    for slot, people in (("bo1", 5), ("bo2", 5)):
        assert f"{slot}{title}Room 1{people}{seats}{state}" in section


def test_same_plan_gives_the_same_bytes(plan: Plan, page: str) -> None:
    assert plan_report_html(plan) == page
    fig = plot_new_peers(plan).figure
    assert isinstance(fig, Figure)
    png = png_bytes(fig)
    assert png == png_bytes(fig)
    # No software stamp and no time chunk, which would differ between versions or runs.
    assert b"Software" not in png
    assert b"matplotlib" not in png
    assert b"tIME" not in png


def test_pictures_drawn_apart_make_the_same_page(plan: Plan, page: str) -> None:
    # A large plan's pictures are drawn in other processes, some in each.
    heat_map = report_pngs(plan, ["city_meetings"])
    others = report_pngs(plan, [name for name in PICTURES if name != "city_meetings"])
    assert set(heat_map) == {"city_meetings"}
    assert set(heat_map) | set(others) == set(PICTURES)
    assert plan_report_html(plan, drawn={**heat_map, **others}) == page
    # Only the pictures a plan has are drawn.
    bare = attrs.evolve(plan, tables=[])
    assert set(report_pngs(bare, PICTURES)) == set(PICTURES) - {"city_meetings", "new_peers"}


def test_plan_without_tables_or_preferences_says_so() -> None:
    plan = two_day_plan()
    event = attrs.evolve(plan.event, preferences=())
    bare = attrs.evolve(plan, event=event, tables=[], metrics={})
    page = plan_report_html(bare)
    parsed = _parse(page)
    assert [img["alt"] for img in parsed.images] == [
        "Agenda grid",
        "Itinerary of the Albany, NY delegation",
    ]
    text = "".join(parsed.text)
    assert "The plan has no networking tables." in text
    assert "Nobody ranked a breakout session." in text
    assert "The plan has no metrics." in text


def test_write_report_writes_the_page_atomically(plan: Plan, page: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    assert write_report(plan, target) == target
    assert target.read_text(encoding="utf-8") == page
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="force=True"):
        write_report(plan, target)
    assert target.read_text(encoding="utf-8") == "old"
    write_report(plan, target, force=True)
    assert target.read_bytes() == page.encode("utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_a_failed_write_keeps_the_old_report(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("convening.export.report.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(plan, target, force=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
