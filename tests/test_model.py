import datetime as dt

import attrs
import pytest

from convening import EventError, Participant, Role, Room, Slot, SlotKind
from convening.errors import Problem
from tests.factories import at, small_builder


def test_presence_uses_arrival_and_departure() -> None:
    slot = Slot("s", at(10), at(11), "breakout")
    assert Participant("p", "P").is_present(slot)
    assert Participant("p", "P", arrives=at(10)).is_present(slot)
    assert not Participant("p", "P", arrives=at(10.25)).is_present(slot)
    assert Participant("p", "P", departs=at(11)).is_present(slot)
    assert not Participant("p", "P", departs=at(10.75)).is_present(slot)


def test_enums_accept_their_names_and_keep_unknown_values_for_the_checks() -> None:
    assert Participant("p", "P", role="partner").role is Role.PARTNER
    assert Slot("s", at(9), at(10), "tour").kind is SlotKind.TOUR
    assert Participant("p", "P", role="mayor").role == "mayor"


def test_topics_split_on_semicolons() -> None:
    assert Participant("p", "P", topics=" housing ; data;").topics == ("housing", "data")


def test_row_takes_no_part_in_equality() -> None:
    assert Room("r", "R", 5, row=2) == Room("r", "R", 5, row=9)


def test_delegations_follow_city_order_and_know_their_shape() -> None:
    event = small_builder(cities=2).build()
    assert [d.city_id for d in event.delegations] == ["c0", "c1"]
    assert all(d.is_usual_shape for d in event.delegations)
    assert event.delegation_by_city["c1"].count(Role.OFFICIAL) == 2


def test_evolve_checks_the_changed_event_again() -> None:
    event = small_builder().build()
    rooms = tuple(attrs.evolve(r, capacity=0) if r.room_id == "r1" else r for r in event.rooms)
    with pytest.raises(EventError, match="rooms row 4, column capacity: must be more than zero"):
        attrs.evolve(event, rooms=rooms)


def test_present_and_slots_of_and_table_size() -> None:
    b = small_builder()
    b.add_participant("late", "Late", role="speaker", arrives=at(12))
    b.add_participant("away", "Away", role="speaker", away="tour")
    b.add_participant("staff", "Staff", role="staff")
    with pytest.warns(UserWarning, match="away in every tour slot"):  # the one tour slot
        event = b.build()
    assert "late" not in {p.participant_id for p in event.present("b1")}
    assert "late" in {p.participant_id for p in event.present("tour")}
    # Away for a slot: not there, though at the event before and after it.
    assert "away" not in {p.participant_id for p in event.present("tour")}
    assert "away" in {p.participant_id for p in event.present("b1")}
    # Staff work the event: a place in the plenaries only.
    assert {s.slot_id for s in event.slots if event.participant_by_id["staff"].takes_place(s)} == {
        s.slot_id for s in event.slots if s.kind in ("plenary", "break")
    }
    assert [s.slot_id for s in event.slots_of("breakout")] == ["b1"]
    assert event.table_size("lunch") == 4


@pytest.mark.parametrize(
    ("role", "attends", "beyond"),
    [
        ("staff", None, set()),  # the role's default: plenary
        ("staff", "plenary", set()),  # the default, written out
        ("staff", "plenary;tour", {"tour"}),
        ("staff", "tour", {"tour"}),
        ("staff", "all", {"breakout", "tour", "networking", "action_planning"}),
        ("staff", "none", set()),
        ("official", "all", set()),  # officials attend everything anyway
        ("partner", "plenary;tour", set()),
    ],
)
def test_kinds_by_attends_are_what_the_written_attends_adds_to_the_role(
    role: str, attends: str | None, beyond: set[str]
) -> None:
    person = Participant("x", "X", role=role, attends=attends)
    assert person.kinds_by_attends == beyond


def test_by_attends_lists_who_takes_places_of_a_kind_only_by_their_attends() -> None:
    b = small_builder()
    b.add_participant("rider", "Rider", role="staff", attends="plenary;tour")
    b.add_participant("away", "Away rider", role="staff", attends="all", away="tour")
    b.add_participant("staff", "Staff", role="staff")
    with pytest.warns(UserWarning, match="away in every tour slot"):
        event = b.build()
    assert [p.participant_id for p in event.by_attends("tour")] == ["rider"]
    assert [p.participant_id for p in event.by_attends(SlotKind.BREAKOUT)] == ["away"]
    assert event.by_attends("plenary") == ()


def test_localize_attaches_the_event_zone() -> None:
    event = small_builder().build()
    local = event.localize(dt.datetime(2027, 4, 20, 9))
    assert local.utcoffset() == dt.timedelta(hours=-4)


def test_with_warnings_puts_extra_warnings_first_and_leaves_the_event_alone() -> None:
    b = small_builder()
    b.add_participant("c0-x", "Fourth", city_id="c0", role="partner")
    with pytest.warns(UserWarning):
        event = b.build()
    extra = Problem("read as 00:00", "slots", 3, "start", "2026-04-14", severity="warning")
    noted = event.with_warnings([extra])
    assert noted.warnings == (extra, *event.warnings)
    assert len(event.warnings) == 1  # the original is unchanged
    assert noted == event
    assert noted.slot_by_id == event.slot_by_id


def test_person_label_names_the_delegation_city_when_there_is_one() -> None:
    b = small_builder()
    b.add_participant("staff1", "Sam Staff", role="staff")
    event = b.build()
    city = event.city_by_id["c0"]
    assert event.person_label("c0-a") == f"Official A0 ({city.label})"
    assert event.person_label("staff1") == "Sam Staff"
    assert event.person_label("nobody") == "nobody"
