"""Generated events survive a trip through a workbook and a CSV folder unchanged, and no
mangled workbook makes the reader raise anything but an EventError."""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from convening import (
    City,
    Event,
    EventError,
    NetworkingRule,
    NetworkingSetting,
    Participant,
    Preference,
    Room,
    Session,
    Slot,
    Tour,
)
from convening.io import read_event, write_event
from tests.io.books import as_tables, base_rows, write_book

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DAY = dt.datetime(2027, 4, 20)

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.@+\-]{0,7}", fullmatch=True)
words = (
    st.text(alphabet=st.sampled_from("abcxyzABCXYZ0189 ,.'&()-/_éüñ中"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
optional_words = st.none() | words
topic_lists = st.lists(words.filter(lambda w: ";" not in w), max_size=3).map(tuple)


def _rows(items: list[Any]) -> tuple[Any, ...]:
    return tuple(attrs.evolve(item, row=i + 2) for i, item in enumerate(items))


@st.composite
def events(draw: st.DrawFn) -> Event:
    """Small events that pass every check (odd delegations and unknown items only warn)."""
    unique = draw(st.lists(ids, min_size=12, max_size=30, unique_by=str.lower))
    pool = iter(unique)
    cities = [
        City(
            next(pool),
            draw(words),
            draw(words),
            draw(topic_lists),
            draw(st.none() | st.integers(0, 10_000_000)),
            draw(optional_words),
            draw(st.none() | st.floats(-90, 90).map(lambda x: round(x, 4))),
            draw(st.none() | st.floats(-180, 180).map(lambda x: round(x, 4))),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    times = [DAY + dt.timedelta(minutes=30 * k) for k in range(40)]
    kinds = draw(
        st.lists(
            st.sampled_from(["plenary", "breakout", "networking", "tour", "break"]),
            min_size=1,
            max_size=5,
        )
    )
    slots = [
        Slot(next(pool), times[3 * k], times[3 * k + draw(st.integers(1, 2))], kind)
        for k, kind in enumerate(kinds)
    ]
    people = []
    for city in cities:
        for role in draw(st.lists(st.sampled_from(["official", "partner"]), max_size=3)):
            people.append((city.city_id, role))
    # The reader wants at least one participant (a sheet of headers only is a mistake).
    people += [
        (None, r)
        for r in draw(st.lists(st.sampled_from(["staff", "speaker"]), min_size=1, max_size=2))
    ]
    participants = []
    for city_id, role in people:
        arrives = draw(st.none() | st.sampled_from(times[:3]))
        departs = draw(st.none() | st.sampled_from(times[-3:]))
        participants.append(
            Participant(
                next(pool, None) or f"p{len(participants)}",
                draw(words),
                city_id,
                role,
                draw(optional_words),
                draw(optional_words),
                draw(st.none() | st.emails()),
                draw(topic_lists),
                draw(st.booleans()),
                arrives,
                departs,
            )
        )
    assume(len({p.participant_id for p in participants}) == len(participants))
    person_ids = [p.participant_id for p in participants]
    rooms = [Room("main-room", draw(words), 1000, True)] + [
        Room(f"room{i}", draw(words), draw(st.integers(1, 50)), draw(st.booleans()))
        for i in range(draw(st.integers(0, 2)))
    ]
    # Each plenary and breakout slot gets a session that can run in it, and never more
    # sessions than slots can hold.
    sessions = [
        Session(
            f"s-{kind}",
            draw(words),
            kind,
            draw(optional_words),
            (),
            None,
            None,
            1,
            None,
            draw(optional_words),
        )
        for kind in ("plenary", "breakout")
        if kind in kinds
    ]
    for i in range(
        draw(st.integers(0, kinds.count("breakout") - 1)) if "breakout" in kinds else 0
    ):
        sessions.append(
            Session(
                f"s{i}",
                draw(words),
                "breakout",
                draw(optional_words),
                tuple(draw(st.lists(st.sampled_from(person_ids), max_size=2, unique=True)))
                if person_ids
                else (),
                None,
                draw(st.none() | st.just("main-room")),
                1,
                draw(st.none() | st.integers(5, 20)),
                None,
            )
        )
    tours = [
        Tour(
            "t-bus",
            draw(words),
            1000,
            None,
            False,
            draw(optional_words),
            1,
            draw(optional_words),
            draw(optional_words),
        ),
        Tour(
            "t-walk",
            draw(words),
            draw(st.integers(1, 30)),
            None,
            True,
            None,
            draw(st.integers(1, 3)),
        ),
    ]
    items = [s.session_id for s in sessions] + [t.tour_id for t in tours]
    preferences = (
        [
            Preference(p, item, draw(st.integers(1, 5)))
            for p, item in draw(
                st.lists(
                    st.tuples(st.sampled_from(person_ids), st.sampled_from(items)),
                    max_size=4,
                    unique=True,
                )
            )
        ]
        if person_ids
        else []
    )
    networking_slots = [s.slot_id for s in slots if s.kind == "networking"]
    networking = [
        NetworkingSetting(s, draw(st.integers(2, 10)))
        for s in networking_slots
        if draw(st.booleans())
    ]
    rules = []
    if len(person_ids) >= 2:
        for rule in draw(st.lists(st.sampled_from(["host", "together", "apart"]), max_size=2)):
            a, b = draw(st.lists(st.sampled_from(person_ids), min_size=2, max_size=2, unique=True))
            rules.append(
                NetworkingRule(
                    rule,
                    a,
                    None if rule == "host" else b,
                    draw(st.none() | st.sampled_from(networking_slots))
                    if networking_slots
                    else None,
                )
            )
    fields = dict(
        name=draw(words),
        host_city=draw(words),
        timezone=draw(st.sampled_from(["America/Chicago", "America/New_York", "UTC"])),
        venue=draw(optional_words),
        cities=_rows(cities),
        participants=_rows(participants),
        rooms=_rows(rooms),
        slots=_rows(slots),
        sessions=_rows(sessions),
        tours=_rows(tours),
        preferences=_rows(preferences),
        networking=_rows(networking),
        networking_rules=_rows(rules),
    )
    try:
        return Event(**fields)
    except EventError:
        assume(False)
        raise


def _read(path: Path) -> Event:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_event(path)


@SETTINGS
@given(event=events())
def test_generated_events_round_trip_through_workbook_and_csv(event: Event) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        from_xlsx = _read(write_event(event, Path(tmp) / "event.xlsx"))
        from_csv = _read(write_event(event, Path(tmp) / "event"))
    assert from_xlsx == event
    assert from_csv == event
    assert [p.row for p in from_xlsx.participants] == [p.row for p in event.participants]


# -- mangled workbooks ------------------------------------------------------------------------

cell_values = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=12),
    st.sampled_from(
        [
            "c1",
            "c1-a",
            "x2",
            "hall",
            "open",
            "lunch",
            "r1",
            "TRUE",
            "12.5",
            "-3",
            "2027-04-20 09:00",
            "2027-04-20T09:00+02:00",
            "America",
            "official;x",
        ]
    ),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2999, 1, 1)),
    st.dates(min_value=dt.date(1901, 1, 1)),
    st.times(),
)


@st.composite
def mangled(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    tables = as_tables(base_rows())
    names = sorted(tables)
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(names))
        table = tables[name]
        action = draw(
            st.sampled_from(
                [
                    "set",
                    "set",
                    "set",
                    "blank",
                    "dup_row",
                    "drop_row",
                    "drop_col",
                    "swap",
                    "drop_sheet",
                ]
            )
        )
        if not table or (action == "drop_sheet" and len(tables) > 1):
            tables.pop(name, None)
            names = sorted(tables)
            continue
        r = draw(st.integers(0, len(table) - 1))
        c = draw(st.integers(0, max(len(table[r]) - 1, 0)))
        if action in ("set", "blank") and table[r]:
            table[r][c] = None if action == "blank" else draw(cell_values)
        elif action == "dup_row":
            table.append(list(table[r]))
        elif action == "drop_row" and r > 0:
            del table[r]
        elif action == "drop_col":
            for row in table:
                if c < len(row):
                    del row[c]
        elif action == "swap" and len(table) > 1:
            r2 = draw(st.integers(0, len(table) - 1))
            table[r], table[r2] = table[r2], table[r]
    return tables


@SETTINGS
@given(tables=mangled(), form=st.sampled_from(["xlsx", "csv"]))
def test_mangled_workbooks_only_ever_raise_event_errors(
    tables: dict[str, list[list[Any]]], form: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_book(tables, Path(tmp) / "event", form)
        try:
            event = _read(path)
        except EventError as exc:
            assert exc.problems
            for p in exc.problems:
                assert p.is_error and p.message
        else:
            assert isinstance(event, Event)
