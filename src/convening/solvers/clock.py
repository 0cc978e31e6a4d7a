"""The run's clock: elapsed time, progress reports and the wall-clock safety net.

Stages never stop on the wall clock when the run is to be reproducible: they
stop on deterministic work (CP-SAT deterministic time, move and iteration
counts) set from the time *budget*. The wall clock only stops a stage at the
run's wall stop (a hard limit the caller asked for, or a safety net far
beyond the budget); a stage it stops tells the clock (:meth:`Clock.stopped`),
and the run is then reported as not reproducible.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

__all__ = ["Clock", "Progress"]

logger = logging.getLogger(__name__)

#: ``progress(phase, elapsed_seconds, best_score)``, called as a solve advances.
Progress = Callable[[str, float, float | None], None]


class Clock:
    """Elapsed time since the run started, progress reports and the wall stop.

    Parameters
    ----------
    progress
        Called as ``progress(phase, elapsed_seconds, best_score)``.
    wall_stop
        Seconds after the start when the wall clock stops every stage
        (``None``: never).
    """

    def __init__(self, progress: Progress | None = None, wall_stop: float | None = None) -> None:
        self.start = time.perf_counter()
        self.progress = progress
        self.wall_stop = wall_stop
        #: The stages the wall clock stopped, in order.
        self.cut: list[str] = []

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self.start

    def left(self) -> float:
        """Seconds until the wall stop (infinite without one, never below zero)."""
        if self.wall_stop is None:
            return math.inf
        return max(0.0, self.wall_stop - self.elapsed())

    def over(self) -> bool:
        """Whether the wall stop has passed."""
        return self.left() <= 0.0

    def stopped(self, stage: str) -> None:
        """Record that the wall clock, not the budget, stopped ``stage``."""
        self.cut.append(stage)
        logger.warning(
            "the wall clock stopped %s after %.1f s, before its deterministic budget ran out; "
            "this plan may differ on a re-run",
            stage,
            self.elapsed(),
        )

    @property
    def deterministic(self) -> bool:
        """Whether every stage so far stopped on its budget (so the run is reproducible)."""
        return not self.cut

    def report(self, phase: str, score: float | None) -> None:
        """Tell the caller how far the run is."""
        if self.progress is not None:
            self.progress(phase, self.elapsed(), score)
