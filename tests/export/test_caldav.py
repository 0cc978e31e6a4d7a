"""A participant's calendar through a real CalDAV server (Radicale) and back.

Publishing, reading back and re-publishing after a change is what a planner
does with a shared calendar; the server must see one event per UID, the same
UTC times, and an update (higher SEQUENCE) rather than a duplicate. The
servers (Radicale, and a proxy in front of it that hangs up on requests)
listen on loopback only.
"""

from __future__ import annotations

import datetime as dt
import http.client
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest

from convening import EventBuilder
from convening.cli import EXIT_CALDAV_LOGIN, EXIT_CALDAV_UPLOAD, EXIT_INPUT, EXIT_OK, main
from convening.export.caldav_push import CalDAVError, CalDAVLoginError, push_caldav
from convening.export.calendars import caldav_objects, participant_calendar
from convening.export.publish import PublishReport, publish
from convening.plan import Plan, Run
from tests.export.published import ADA, BO, DEE, plan_folders, write_replan

caldav = pytest.importorskip("caldav", reason="the caldav client is not installed")
pytest.importorskip("radicale", reason="the Radicale server is not installed")

SAT = dt.datetime(2027, 3, 13)  # the day before the US switch to daylight saving time
MON = dt.datetime(2027, 3, 15)


def make_plan(*, room: str = "r1", start: int = 9) -> Plan:
    """One person's two days either side of the switch; ``room``/``start`` move Monday's session."""
    b = EventBuilder("CalDAV convening", "Albany, NY", "America/New_York", venue="Hall")
    b.add_city("c0", "City 0", "NY")
    b.add_participant("c0-a", "Ada Lee", city_id="c0")
    b.add_room("hall", "Main hall", 50)
    b.add_room("r1", "Room 1", 10)
    b.add_room("r2", "Room 2", 10)
    b.add_slot("open", SAT.replace(hour=9), SAT.replace(hour=10), "plenary")
    b.add_slot("b1", MON.replace(hour=start), MON.replace(hour=start + 1), "breakout")
    b.add_session("welcome", "Welcome, everyone", "plenary")
    b.add_session("x1", "Financing; a primer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        event = b.build()
    runs = [
        Run("welcome", "plenary", "open", "hall", ["c0-a"]),
        Run("x1", "breakout", "b1", room, ["c0-a"]),
    ]
    return Plan(event, runs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale server on a free loopback port, stopped after the test."""
    yield from _radicale(tmp_path, ["--auth-type", "none"])


@pytest.fixture
def radicale_login(tmp_path: Path) -> Iterator[str]:
    """A Radicale server that takes the user ``planner`` with the password ``s3cret`` only."""
    users = tmp_path / "users"
    users.write_text("planner:s3cret\n")
    yield from _radicale(
        tmp_path,
        [
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
        ],
    )


def _radicale(tmp_path: Path, auth: list[str]) -> Iterator[str]:
    port = _free_port()
    config = tmp_path / "radicale.conf"
    config.write_text("")  # read this empty file, not a config of the machine's
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--config",
        str(config),
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(tmp_path / "collections"),
        *auth,
        "--logging-level",
        "warning",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    break
            except urllib.error.HTTPError:
                break  # it answers, even if not with 200
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    err = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"Radicale did not start: {err}")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def _read_back(calendar: object) -> dict[str, icalendar.Event]:
    out: dict[str, icalendar.Event] = {}
    for obj in calendar.events():  # type: ignore[attr-defined]
        parsed = icalendar.Calendar.from_ical(obj.data)
        for vevent in parsed.walk("VEVENT"):
            uid = str(vevent["UID"])
            assert uid not in out, f"duplicate event {uid} on the server"
            out[uid] = vevent
    return out


def _utc(vevent: icalendar.Event) -> tuple[dt.datetime, dt.datetime]:
    return vevent.start.astimezone(dt.UTC), vevent.end.astimezone(dt.UTC)


def test_publish_read_back_and_update(radicale: str) -> None:
    client = caldav.DAVClient(url=radicale, username="planner", password="unused")
    principal = client.principal()
    calendar = principal.make_calendar(name="Ada Lee", cal_id="ada")

    first = participant_calendar(make_plan(), "c0-a")
    for _uid, data in caldav_objects(first):
        # The export decides SEQUENCE; the client must not raise it again.
        calendar.add_event(data.decode("utf-8"), increase_seqno=False)
    published = {str(e["UID"]): e for e in first.walk("VEVENT")}
    on_server = _read_back(calendar)
    assert set(on_server) == set(published)
    for uid, vevent in published.items():
        assert _utc(on_server[uid]) == _utc(vevent)
        assert str(on_server[uid]["SUMMARY"]) == str(vevent["SUMMARY"])
        assert on_server[uid]["SEQUENCE"] == vevent["SEQUENCE"] == 0
    # Saturday 9:00 EST and, after the switch, Monday 9:00 EDT.
    starts = sorted(_utc(e)[0] for e in on_server.values())
    assert starts == [
        dt.datetime(2027, 3, 13, 14, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 15, 13, tzinfo=dt.UTC),
    ]

    # Monday's breakout moves to another room and an hour later; publish again.
    second = participant_calendar(make_plan(room="r2", start=10), "c0-a", previous=first)
    for _uid, data in caldav_objects(second):
        # The export decides SEQUENCE; the client must not raise it again.
        calendar.add_event(data.decode("utf-8"), increase_seqno=False)
    updated = _read_back(calendar)
    assert set(updated) == set(published)  # same UIDs, no duplicate
    by_title = {str(e["SUMMARY"]): e for e in updated.values()}
    moved, kept = by_title["Financing; a primer"], by_title["Welcome, everyone"]
    assert moved["SEQUENCE"] == 1 and "Room 2" in str(moved["LOCATION"])
    assert _utc(moved)[0] == dt.datetime(2027, 3, 15, 14, tzinfo=dt.UTC)
    assert kept["SEQUENCE"] == 0


# -- publishing every participant's calendar (`convening publish --caldav`) -----------------


class _DroppingProxy(http.server.BaseHTTPRequestHandler):
    """Passes requests on to the server behind it, except that it hangs up on some PUTs."""

    protocol_version = "HTTP/1.1"
    target: tuple[str, int]
    drops: list[str]  # a PUT whose path contains the first entry is dropped (once per entry)
    dropped: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.command == "PUT" and self.drops and self.drops[0] in self.path:
            self.drops.pop(0)
            self.dropped.append(self.path)
            self.close_connection = True  # no answer at all: the connection just ends
            return
        conn = http.client.HTTPConnection(*self.target, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        conn.request(self.command, self.path, body=body, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCALENDAR = _forward
    do_OPTIONS = do_HEAD = do_PROPPATCH = do_MKCOL = _forward


@pytest.fixture
def dropping(radicale: str) -> Iterator[tuple[str, type[_DroppingProxy]]]:
    """A proxy on loopback in front of Radicale; its class holds what to drop and what was."""
    parts = urllib.parse.urlsplit(radicale)
    handler = type(
        "Proxy",
        (_DroppingProxy,),
        {"target": (parts.hostname, parts.port), "drops": [], "dropped": []},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _home(server: str, password: str = "unused") -> str:
    """The planner's own collection on ``server`` (Radicale makes it on first login)."""
    caldav.DAVClient(url=server, username="planner", password=password).principal()
    return f"{server}planner/"


def _collections(url: str, user: str, password: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each calendar collection under ``url``: its name, display name and events by UID."""
    client = caldav.DAVClient(url=url, username=user, password=password)
    out = {}
    for calendar in caldav.CalendarSet(client=client, url=url).get_calendars():
        name = str(calendar.url).rstrip("/").rsplit("/", 1)[-1]
        out[name] = (calendar.get_display_name(), _read_back(calendar))
    return out


def _published(tmp_path: Path, *, replanned: bool = False) -> PublishReport:
    first, second = plan_folders(tmp_path)
    site = tmp_path / "site"
    if not replanned:
        return publish(first, site, "https://cal.example.org/e/")
    publish(first, site, "https://cal.example.org/e/")
    return publish(write_replan(first, second), site, "https://cal.example.org/e/")


def test_push_one_collection_per_participant_then_a_replan(radicale: str, tmp_path: Path) -> None:
    home = _home(radicale)
    report = _published(tmp_path)
    people = {c.name: c for c in report.calendars if c.kind == "participants"}
    results = push_caldav(report.calendars, home, "planner", "unused")
    assert [r.ok for r in results] == [True] * 4
    assert sum(r.stored for r in results) == sum(
        len(list(c.calendar.walk("VEVENT"))) for c in people.values()
    )
    on_server = _collections(home, "planner", "unused")
    assert set(on_server) == set(people), "one collection per participant, named as the file"
    for name, (title, events) in on_server.items():
        assert title == people[name].title  # the person's name
        published = {str(v["UID"]): v for v in people[name].calendar.walk("VEVENT")}
        assert set(events) == set(published)
        for uid, vevent in events.items():
            assert _utc(vevent) == _utc(published[uid])
            assert vevent["SEQUENCE"] == published[uid]["SEQUENCE"] == 0
    ada = next(c.name for c in people.values() if c.item_id == ADA)
    bo = next(c.name for c in people.values() if c.item_id == BO)
    before = on_server[ada][1]

    # Pushing the same calendars again sends nothing.
    again = push_caldav(report.calendars, home, "planner", "unused")
    assert [(r.stored, r.deleted) for r in again] == [(0, 0)] * 4
    assert all(r.unchanged for r in again)

    # Re-plan (Bo leaves, Dee joins, the breakouts swap rooms), re-publish, push again.
    replanned = publish(
        write_replan(tmp_path / "plan-v1", tmp_path / "plan-v2"),
        tmp_path / "site",
        "https://cal.example.org/e/",
    )
    results = push_caldav(replanned.calendars, home, "planner", "unused")
    assert all(r.ok for r in results)
    assert len(results) == 5  # four people now, and Bo's collection to cancel
    on_server = _collections(home, "planner", "unused")
    assert len(on_server) == 5
    after = on_server[ada][1]
    assert set(after) == set(before), "updated in place: the same UIDs, no duplicate"
    moved = next(e for e in after.values() if str(e["SUMMARY"]) == "Financing housing")
    assert moved["SEQUENCE"] == 1 and "Room 2" in str(moved["LOCATION"])
    assert {str(e["STATUS"]) for e in on_server[bo][1].values()} == {"CANCELLED"}
    dee = next(c for c in replanned.calendars if c.item_id == DEE)
    assert on_server[dee.name][0] == "Dee Ng"


def test_push_deletes_what_the_calendar_no_longer_holds(radicale: str, tmp_path: Path) -> None:
    home = _home(radicale)
    report = _published(tmp_path)
    push_caldav(report.calendars, home, "planner", "unused")
    ada = next(c for c in report.calendars if c.item_id == ADA)
    client = caldav.DAVClient(url=home, username="planner", password="unused")
    collection = caldav.Calendar(client=client, url=f"{home}{ada.name}/")
    stray = participant_calendar(make_plan(), "c0-a")  # an event of another calendar
    for _uid, data in caldav_objects(stray):
        collection.add_event(data.decode("utf-8"), increase_seqno=False)
    results = push_caldav([ada], home, "planner", "unused")
    assert results[0].deleted == 2 and results[0].stored == 0
    assert set(_read_back(collection)) == {str(v["UID"]) for v in ada.calendar.walk("VEVENT")}


def test_push_tries_again_after_the_server_drops_a_request(
    dropping: tuple[str, type[_DroppingProxy]], tmp_path: Path
) -> None:
    proxy, handler = dropping
    home = _home(proxy)
    report = _published(tmp_path)
    ada = next(c for c in report.calendars if c.item_id == ADA)
    handler.drops[:] = [f"/{ada.name}/"]
    results = push_caldav(report.calendars, home, "planner", "unused", pause=0.05)
    assert len(handler.dropped) == 1 and ada.name in handler.dropped[0]
    assert all(r.ok for r in results)
    events = _collections(home, "planner", "unused")[ada.name][1]
    assert set(events) == {str(v["UID"]) for v in ada.calendar.walk("VEVENT")}


def test_a_calendar_that_keeps_failing_is_reported_and_the_others_go_on(
    dropping: tuple[str, type[_DroppingProxy]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    proxy, handler = dropping
    home = _home(proxy)
    report = _published(tmp_path)
    ada = next(c for c in report.calendars if c.item_id == ADA)
    handler.drops[:] = [f"/{ada.name}/"] * 3
    results = push_caldav(report.calendars, home, "planner", "unused", pause=0.01)
    failed = [r for r in results if not r.ok]
    assert [r.name for r in failed] == [ada.name]
    assert failed[0].pending == 2 and failed[0].stored == 0 and failed[0].error
    assert sum(r.ok for r in results) == 3
    # The command says which calendar is incomplete and exits 5; run again, it completes.
    handler.drops[:] = [f"/{ada.name}/"] * 3
    monkeypatch.setenv("DAV_PASSWORD", "unused")
    args = _push_args(tmp_path, home)
    assert main(args) == EXIT_CALDAV_UPLOAD
    printed = capsys.readouterr().out
    assert "Ada Lee" in printed and "2 changes not made" in printed
    assert main(args) == EXIT_OK
    assert "0 calendars failed" in capsys.readouterr().out
    assert set(_collections(home, "planner", "unused")[ada.name][1]) == {
        str(v["UID"]) for v in ada.calendar.walk("VEVENT")
    }


def _push_args(tmp_path: Path, home: str) -> list[str]:
    """``convening publish`` of the plan in ``tmp_path``, pushed to ``home`` as the planner."""
    return [
        "publish",
        str(tmp_path / "plan-v1"),
        "--site",
        str(tmp_path / "site"),
        "--base-url",
        "https://cal.example.org/e/",
        "--caldav",
        home,
        "--user",
        "planner",
        "--password-env",
        "DAV_PASSWORD",
    ]


def test_wrong_credentials_are_a_clear_error_and_exit_4(
    radicale_login: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = _home(radicale_login, "s3cret")
    report = _published(tmp_path)
    with pytest.raises(CalDAVLoginError, match="refused the user 'planner'"):
        push_caldav(report.calendars, home, "planner", "wrong")
    monkeypatch.setenv("DAV_PASSWORD", "wrong")
    args = _push_args(tmp_path, home)
    assert main(args) == EXIT_CALDAV_LOGIN
    err = capsys.readouterr().err
    assert "refused the user 'planner'" in err and "Traceback" not in err
    assert main([*args[:-1], "NO_SUCH_VARIABLE"]) == EXIT_INPUT
    assert "NO_SUCH_VARIABLE" in capsys.readouterr().err
    monkeypatch.setenv("DAV_PASSWORD", "s3cret")
    assert main(args) == EXIT_OK
    assert len(_collections(home, "planner", "s3cret")) == 4


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    report = _published(tmp_path)
    url = f"http://127.0.0.1:{_free_port()}/planner/"
    with pytest.raises(CalDAVError, match="cannot reach"):
        push_caldav(report.calendars, url, "planner", "x", pause=0.01)
