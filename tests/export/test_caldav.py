"""A participant's calendar through a real CalDAV server (Radicale) and back.

Publishing, reading back and re-publishing after a change is what a planner
does with a shared calendar; the server must see one event per UID, the same
UTC times, and an update (higher SEQUENCE) rather than a duplicate.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from convening import EventBuilder
from convening.export.calendars import caldav_objects, participant_calendar
from convening.plan import Plan, Run

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
        "--auth-type",
        "none",
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
