from convening.summary import summarize
from tests.factories import at, small_builder


def test_summary_counts_people_slots_and_places() -> None:
    b = small_builder(cities=4)
    b.add_participant("late", "Late Arrival", role="staff", arrives=at(12), accessible=True)
    summary = summarize(b.build())
    assert summary.cities == 4
    assert (summary.delegations_usual, summary.delegations_other) == (4, 0)
    assert summary.participants_by_role == {
        "official": 8,
        "partner": 4,
        "facilitator": 1,
        "staff": 1,
        "speaker": 0,
    }
    assert summary.accessible == 1
    assert summary.slots_by_kind["breakout"] == 1 and summary.slots_by_kind["break"] == 1
    seats = {row.slot_id: row for row in summary.seats}
    assert seats["b1"].present == 13  # the late arrival is not there yet
    assert seats["tour"].present == 13  # the staff member works the event: no tour seat
    assert seats["b1"].places == 100 + 3 * 12
    assert seats["tour"].places == 60
    # 13 people at tables of at most 4: four tables.
    assert seats["lunch"].places == 16 and "4 tables" in seats["lunch"].note
    assert seats["ap"].note == "4 delegation tables"
    assert seats["coffee"].places is None
    assert [row.slot_id for row in summary.seats][:3] == ["open", "coffee", "b1"]


def test_networking_places_count_one_table_per_member_of_a_large_delegation() -> None:
    b = small_builder(cities=2)
    for extra in range(3):
        b.add_participant(f"c0-x{extra}", f"Extra {extra}", city_id="c0", role="official")
    event = b.build()
    # Ten people at tables of 4 fit at 3 tables, but city c0's six members sit apart.
    assert len(event.present("lunch")) == 10
    seats = {row.slot_id: row for row in summarize(event).seats}
    assert seats["lunch"].note == "6 tables of at most 4"
    assert seats["lunch"].places == 24
