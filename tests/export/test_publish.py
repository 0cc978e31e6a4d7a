"""Publishing calendars people subscribe to: a private site, links to send, a re-plan followed.

The site is served by a real HTTP server on loopback and read back over HTTP
by vobject, a calendar library independent of the one that wrote it, as a
subscriber's app would: first publish, a re-plan, a re-publish.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
import vobject

from convening.cli import EXIT_INPUT, EXIT_OK, main
from convening.export.outputs import check_output_folder, write_outputs
from convening.export.publish import (
    LINKS_FILE,
    SECRET_FILE,
    SHARED_LINKS_FILE,
    PublishError,
    publish,
)
from tests.export.published import ADA, BO, CY, DEE, plan_folders, small_plan, write_replan


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A site folder served by a real HTTP server on 127.0.0.1, and its address."""
    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_address[1]}/cal/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _serve_under_cal(url: str) -> str:
    """The site is served at the server's root; links carry a /cal/ prefix to test joining."""
    return url.replace("/cal/", "/")


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(_serve_under_cal(url), timeout=5) as answer:
        assert answer.status == 200
        return bytes(answer.read())


def _links(plan_dir: Path) -> dict[str, dict[str, str]]:
    with (plan_dir / LINKS_FILE).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["participant_id", "name", "email", "url", "webcal"]
    return {row["participant_id"]: row for row in rows}


def _subscribe(url: str) -> dict[str, vobject.base.Component]:
    """What a subscriber's app sees at ``url``: events by UID, read by vobject."""
    calendar = vobject.readOne(_fetch(url).decode("utf-8"))
    events = {}
    for vevent in calendar.vevent_list:
        uid = vevent.uid.value
        assert uid not in events, "one event per UID"
        events[uid] = vevent
    return events


def _by_title(events: dict[str, vobject.base.Component]) -> dict[str, vobject.base.Component]:
    return {e.summary.value: e for e in events.values()}


def test_a_subscriber_follows_the_plan_through_a_replan(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    site, base = served
    first, second = plan_folders(tmp_path)
    report = publish(first, site, base)
    assert {c.status for c in report.calendars} == {"new"}
    links = _links(first)
    assert set(links) == {ADA, BO, CY, "f1"}
    ada = links[ADA]
    assert ada["name"] == "Ada Lee" and ada["email"] == ADA
    assert ada["url"].startswith(base) and ada["webcal"] == ada["url"].replace("http", "webcal", 1)
    raw = icalendar.Calendar.from_ical(_fetch(ada["url"]))
    assert "UID" not in raw, "a calendar-level UID makes some clients merge every event"
    assert raw["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert raw["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)
    assert icalendar.vDuration.from_ical(str(raw["X-PUBLISHED-TTL"])) == dt.timedelta(hours=1)
    before = _subscribe(ada["url"])
    assert set(_by_title(before)) == {"Welcome", "Financing housing"}
    assert "Room 1" in _by_title(before)["Financing housing"].location.value
    bo_before = _subscribe(links[BO]["url"])

    # The late change: Bo leaves, Dee joins, the breakouts swap rooms. Re-plan, re-publish.
    write_replan(first, second)
    assert (second / SECRET_FILE).read_bytes() == (first / SECRET_FILE).read_bytes()
    again = publish(second, site, base)
    statuses = {(c.kind, c.item_id or c.title): c.status for c in again.calendars}
    assert statuses[("participants", ADA)] == "updated"
    assert statuses[("participants", DEE)] == "new"
    assert statuses[("participants", "f1")] == "updated"  # x1 moved room
    assert ("left", "Publishing convening — Bo Díaz") in statuses
    assert statuses[("left", "Publishing convening — Bo Díaz")] == "cancelled"
    assert any("cancelled: Publishing convening — Bo Díaz" in line for line in again.summary())
    links2 = _links(second)
    assert set(links2) == {ADA, CY, DEE, "f1"}
    for pid in (ADA, CY, "f1"):
        assert links2[pid]["url"] == links[pid]["url"], "links survive a re-plan"

    after = _subscribe(ada["url"])
    assert set(after) == set(before), "updated in place: the same UIDs, no duplicate"
    moved, kept = _by_title(after)["Financing housing"], _by_title(after)["Welcome"]
    assert "Room 2" in moved.location.value
    old = _by_title(before)["Financing housing"]
    assert int(moved.sequence.value) == int(old.sequence.value) + 1
    assert int(kept.sequence.value) == int(_by_title(before)["Welcome"].sequence.value)
    # Bo's link still answers, with every event cancelled so their app removes them.
    bo_after = _subscribe(links[BO]["url"])
    assert set(bo_after) == set(bo_before)
    assert {e.status.value for e in bo_after.values()} == {"CANCELLED"}
    assert all(int(e.sequence.value) >= 1 for e in bo_after.values())
    # Dee's new calendar is served too.
    assert "Transit, a primer" in _by_title(_subscribe(links2[DEE]["url"]))


def test_nothing_served_reveals_a_name_an_address_or_the_list_of_links(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    site, base = served
    first, _ = plan_folders(tmp_path)
    report = publish(first, site, base)
    secret = (first / SECRET_FILE).read_text().strip()
    assert (first / SECRET_FILE).stat().st_mode & 0o077 == 0, "the secret is its owner's only"
    plan = small_plan()
    secrets_and_ids = [secret, *(p.participant_id for p in plan.event.participants)]
    secrets_and_ids += [r.room_id for r in plan.event.rooms] + ["tul", "Ada", "ada"]
    names = sorted(p.name for p in site.iterdir())
    ics = [n for n in names if n.endswith(".ics")]
    assert len(ics) == len(report.calendars) == 4 + 1 + 3 + 1  # people, delegation, rooms, agenda
    assert sorted(set(names) - set(ics)) == ["index.html", "robots.txt"]
    for name in ics:
        assert len(name) == len("0123456789abcdef0123456789abcdef.ics")
        # An id made of hexadecimal digits only (e.g. `f1`) may turn up by chance.
        assert all(
            word.lower() not in name
            for word in secrets_and_ids
            if not set(word.lower()) <= set("0123456789abcdef")
        )
    # Not a plain hash of an id either: a name is keyed by the secret.
    for word in secrets_and_ids:
        for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
            assert digest(word.encode()).hexdigest()[:32] + ".ics" not in ics
    for path in site.iterdir():
        data = path.read_bytes()
        assert secret.encode() not in data
        assert b"links" not in data or path.suffix == ".ics"
    # The site's root lists nothing, and the link files are not there.
    index = _fetch(base).decode()
    assert ".ics" not in index and "Ada" not in index
    for name in (LINKS_FILE, SHARED_LINKS_FILE, SECRET_FILE):
        with pytest.raises(urllib.error.HTTPError) as err:
            _fetch(base + name)
        assert err.value.code == 404
    assert b"Disallow: /" in _fetch(base + "robots.txt")
    # The shared links name the delegation, each room and the whole agenda.
    with (first / SHARED_LINKS_FILE).open(encoding="utf-8-sig", newline="") as f:
        shared = list(csv.DictReader(f))
    assert sorted((r["kind"], r["id"]) for r in shared) == [
        ("delegation", "tul"),
        ("event", ""),
        ("room", "hall"),
        ("room", "r1"),
        ("room", "r2"),
    ]
    room = _by_title(_subscribe(next(r["url"] for r in shared if r["id"] == "r1")))
    assert set(room) == {"Financing housing"}


def test_republishing_the_same_plan_rewrites_nothing(tmp_path: Path) -> None:
    first, _ = plan_folders(tmp_path)
    site = tmp_path / "site"
    publish(first, site, "https://cal.example.org/e/")
    stamps = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.iterdir()}
    report = publish(first, site, "https://cal.example.org/e/")
    assert {c.status for c in report.calendars} == {"unchanged"}
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.iterdir()} == stamps
    # A new refresh interval changes every calendar, and only that line.
    report = publish(first, site, "https://cal.example.org/e/", ttl=dt.timedelta(minutes=30))
    assert {c.status for c in report.calendars} == {"updated"}
    for path in site.glob("*.ics"):
        before = stamps[path.name][1].replace(b"PT1H", b"PT30M")
        assert path.read_bytes() == before


def test_rotating_issues_new_addresses_and_removes_the_old_files(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    site, base = served
    first, _ = plan_folders(tmp_path)
    publish(first, site, base)
    old_links, old_files = _links(first), set(site.glob("*.ics"))
    old_secret = (first / SECRET_FILE).read_bytes()
    before = _subscribe(old_links[ADA]["url"])
    report = publish(first, site, base, rotate=True)
    assert set(report.removed) == old_files
    assert (first / SECRET_FILE).read_bytes() != old_secret
    new_links = _links(first)
    assert set(new_links) == set(old_links)
    for pid in old_links:
        assert new_links[pid]["url"] != old_links[pid]["url"]
        with pytest.raises(urllib.error.HTTPError):
            _fetch(old_links[pid]["url"])
    assert not old_files & set(site.glob("*.ics"))
    assert set(_subscribe(new_links[ADA]["url"])) == set(before)
    assert len(list(site.glob("*.ics"))) == len(old_files)


def test_a_site_published_under_another_secret_is_refused(tmp_path: Path) -> None:
    first, _ = plan_folders(tmp_path)
    other = tmp_path / "other"
    write_outputs(small_plan(), other)  # planned afresh, never published: no secret
    site = tmp_path / "site"
    publish(first, site, "https://cal.example.org/e/")
    files = {p.name: p.read_bytes() for p in site.iterdir()}
    with pytest.raises(PublishError, match="another secret"):
        publish(other, site, "https://cal.example.org/e/")
    assert {p.name: p.read_bytes() for p in site.iterdir()} == files, "nothing cancelled"


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("cal.example.org/e/", "base URL"),
        ("ftp://cal.example.org/", "base URL"),
        ("https://cal.example.org/e/?k=1", "query"),
    ],
)
def test_a_bad_base_url_is_refused(tmp_path: Path, base_url: str, message: str) -> None:
    first, _ = plan_folders(tmp_path)
    with pytest.raises(PublishError, match=message):
        publish(first, tmp_path / "site", base_url)
    assert not (tmp_path / "site").exists()
    assert not (first / SECRET_FILE).exists()


def test_the_site_may_not_hold_the_plan_folder(tmp_path: Path) -> None:
    first, _ = plan_folders(tmp_path)
    for site in (first, tmp_path):
        with pytest.raises(PublishError, match="would hold the plan folder"):
            publish(first, site, "https://cal.example.org/e/")
    assert not (first / SECRET_FILE).exists()


def test_replanning_into_the_same_folder_with_force_keeps_the_secret(tmp_path: Path) -> None:
    first, _ = plan_folders(tmp_path)
    site = tmp_path / "site"
    publish(first, site, "https://cal.example.org/e/")
    secret = (first / SECRET_FILE).read_bytes()
    check_output_folder(first, force=True)
    write_outputs(small_plan(replanned=True), first, force=True)
    assert (first / SECRET_FILE).read_bytes() == secret
    assert not (first / LINKS_FILE).exists(), "links are written again by the next publish"
    report = publish(first, site, "https://cal.example.org/e/")
    assert {c.status for c in report.calendars if c.kind == "participants"} >= {"updated"}
    assert [c.status for c in report.calendars if c.kind == "left"] == ["cancelled"]


def test_the_publish_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = plan_folders(tmp_path)
    site = tmp_path / "site"
    args = ["publish", str(first), "--site", str(site), "--base-url", "https://c.example.org/"]
    assert main([*args, "--ttl", "2h"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "9 new" in printed and str(first / LINKS_FILE) in printed
    cal = icalendar.Calendar.from_ical(next(site.glob("*.ics")).read_bytes())
    assert cal["REFRESH-INTERVAL"].dt == dt.timedelta(hours=2)
    write_replan(first, second)
    args[1] = str(second)
    assert main([*args, "--ttl", "2h"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "1 new" in printed and "1 cancelled" in printed and "Bo Díaz" in printed
    assert main([*args, "--ttl", "soon"]) == EXIT_INPUT
    assert "--ttl" in capsys.readouterr().err
    assert main([*args, "--caldav", "http://127.0.0.1:9/"]) == EXIT_INPUT
    assert "--user and --password-env" in capsys.readouterr().err
    assert main([*args, "--base-url", "nowhere"]) == EXIT_INPUT
    assert "base URL" in capsys.readouterr().err
