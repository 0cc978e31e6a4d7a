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
    assert seats["tour"].present == 14
    assert seats["b1"].places == 100 + 3 * 12
    assert seats["tour"].places == 60
    # 14 people at tables of at most 4: four tables.
    assert seats["lunch"].places == 16 and "4 tables" in seats["lunch"].note
    assert seats["ap"].note == "4 delegation tables"
    assert seats["coffee"].places is None
    assert [row.slot_id for row in summary.seats][:3] == ["open", "coffee", "b1"]
