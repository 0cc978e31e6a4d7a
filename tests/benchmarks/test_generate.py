"""The benchmark generator makes plannable, realistic events, the same for the same seed."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import attrs
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import make_event

from convening.model import SlotKind


@pytest.mark.parametrize("cities", [4, 8, 12, 20, 50])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_events_are_plannable_and_realistic(cities: int, seed: int) -> None:
    event = make_event(cities, seed)  # an unplannable event raises EventError
    presenting = {(p, s.session_id) for s in event.sessions for p in s.presenters}
    breakouts = {s.session_id for s in event.sessions if s.kind == SlotKind.BREAKOUT}
    ranked = Counter(p.participant_id for p in event.preferences if p.item_id in breakouts)
    assert not any((p.participant_id, p.item_id) in presenting for p in event.preferences)
    for person in event.participants:
        own = sum(1 for p, _s in presenting if p == person.participant_id)
        assert ranked[person.participant_id] == min(8, len(breakouts) - own)
    assert max(Counter(p for p, _s in presenting).values()) <= 2
    for slot in event.slots_of(SlotKind.TOUR):
        assert any(t.slot_id == slot.slot_id and not t.walking for t in event.tours)


def test_the_same_seed_gives_the_same_event() -> None:
    assert make_event(12, 3) == make_event(12, 3)
    assert make_event(12, 3) != make_event(12, 4)


def test_staffed_events_add_staff_leaders_away_presenters_and_named_breaks() -> None:
    plain, staffed = make_event(50, seed=0), make_event(50, seed=0, staffed=True)
    # Staffing is opt-in: the plain events of the benchmark tables are unchanged.
    assert not any(p.role == "staff" or p.away for p in plain.participants)
    roles = [p.role for p in staffed.participants]
    assert roles.count("facilitator") == 7  # about one per seven delegations
    assert roles.count("staff") == 5
    staff = {p.participant_id for p in staffed.participants if p.role == "staff"}
    leaders = [pid for t in staffed.tours for pid in t.leaders]
    assert leaders and set(leaders) <= staff
    assert sum(1 for p in staffed.participants if p.away) == 3
    titles = {s.title for s in staffed.slots if s.kind == "break"}
    assert {"Registration and breakfast", "Dinner on the riverfront"} <= titles


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_realistic_profile_is_the_same_event_with_real_answers(seed: int) -> None:
    ranked = make_event(50, seed)
    event = make_event(50, seed, profile="realistic")
    # Same cities, people, rooms, slots, sessions and tours; only the answers differ.
    assert attrs.evolve(event, preferences=ranked.preferences) == ranked
    breakouts = {s.session_id for s in event.sessions if s.kind == SlotKind.BREAKOUT}
    sessions = Counter(p.participant_id for p in event.preferences if p.item_id in breakouts)
    tours = Counter(p.participant_id for p in event.preferences if p.item_id in event.tour_by_id)
    answered = set(sessions) | set(tours)
    silent = len(event.participants) - len(answered)
    assert 0.12 * len(event.participants) <= silent <= 0.28 * len(event.participants)
    assert all(3 <= n <= 6 for n in sessions.values())
    assert all(0 <= n <= 3 for n in tours.values())
    assert answered <= set(sessions)  # respondents rank sessions; tours are optional
    assert make_event(50, seed, profile="realistic") == event


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        make_event(4, 0, profile="everyone")
