"""The min-cost flow that seats people left without a ranked run."""

from __future__ import annotations

import pytest

from convening.solvers.instance import AgendaInstance
from convening.solvers.ortools.flow import seat_slot
from tests.factories import small_builder


@pytest.fixture(scope="module")
def inst() -> AgendaInstance:
    b = small_builder(cities=2, breakout_rooms=2)
    # Everyone would rather be in x1: keeping people where they were must still come first.
    for pid in ("c0-a", "c0-b", "c0-p", "c1-a"):
        b.add_preference(pid, "x1", 1)
    return AgendaInstance(b.build())


def test_people_keep_their_runs_and_the_fewest_move_to_make_room(inst: AgendaInstance) -> None:
    keep = {"c0-a": "x0", "c0-b": "x0", "c0-p": "x1"}
    people = ["c0-a", "c0-b", "c0-p", "c1-a"]

    def allowed(pid: str, sid: str) -> bool:
        return not (pid == "c1-a" and sid == "x1")  # c1-a may only join x0

    got = seat_slot(inst, "b1", people, [("x0", 2), ("x1", 2)], allowed, keep=keep)
    assert got is not None
    assert got["c1-a"] == "x0"
    moved = {pid for pid, sid in keep.items() if got[pid] != sid}
    assert len(moved) == 1 and moved <= {"c0-a", "c0-b"}
    assert got["c0-p"] == "x1"


def test_without_runs_to_keep_preferences_decide(inst: AgendaInstance) -> None:
    people = ["c0-a", "c0-b", "c0-p"]
    got = seat_slot(inst, "b1", people, [("x0", 3), ("x1", 3)], lambda _p, _s: True)
    assert got == {pid: "x1" for pid in people}


def test_keeping_everyone_is_kept_when_it_fits(inst: AgendaInstance) -> None:
    keep = {"c0-a": "x0", "c0-b": "x0", "c0-p": "x0"}
    got = seat_slot(
        inst, "b1", sorted(keep), [("x0", 3), ("x1", 3)], lambda _p, _s: True, keep=keep
    )
    assert got == keep
