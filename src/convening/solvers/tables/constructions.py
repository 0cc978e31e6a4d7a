"""Known designs that seat groups so that no two people meet twice.

A *resolvable* design splits ``v`` people into groups of ``k`` in several
rounds (parallel classes) so that any two people share a group at most once.
Two families are built here, each in a moment:

* **Affine geometry** over a prime field: people are the points of
  ``GF(p)^n``; a round is the set of cosets (parallel translates) of one
  ``m``-dimensional subspace, so groups have ``p^m`` people. Two people meet
  in a round when their difference lies in its subspace, so rounds whose
  subspaces pairwise share only the zero vector (a *partial spread*) never
  repeat a meeting. This gives the social golfer 8-4-9 (``GF(2)^5``, nine
  pairwise disjoint lines of ``PG(4, 2)``, the largest such set) and every
  ``p^n`` people at tables of ``p^m``.
* **Kirkman's schoolgirls** (15 people, 5 groups of 3, 7 rounds) from a
  packing of ``PG(3, 2)``: its 35 lines split into 7 spreads of 5 disjoint
  lines.

:func:`design` picks the construction that fits an instance, or returns
``None``.
"""

from __future__ import annotations

import itertools
import logging
import random

import numpy as np
from numpy.typing import NDArray

__all__ = ["affine_design", "design", "kirkman_15"]

logger = logging.getLogger(__name__)

#: A design: per round, the group (table) index of every person.
Design = list[NDArray[np.int64]]


def _prime_power(value: int) -> tuple[int, int] | None:
    """``(p, e)`` with ``value == p**e`` for a prime ``p``, else ``None``."""
    if value < 2:
        return None
    for p in range(2, value + 1):
        if value % p == 0:
            e = 0
            rest = value
            while rest % p == 0:
                rest //= p
                e += 1
            return (p, e) if rest == 1 else None
    return None


def _digits(x: int, p: int, n: int) -> tuple[int, ...]:
    return tuple((x // p**i) % p for i in range(n))


def _number(digits: tuple[int, ...], p: int) -> int:
    return sum(d * p**i for i, d in enumerate(digits))


def _span(basis: list[tuple[int, ...]], p: int, n: int) -> frozenset[int]:
    vectors = set()
    for coeffs in itertools.product(range(p), repeat=len(basis)):
        v = tuple(sum(c * b[i] for c, b in zip(coeffs, basis, strict=True)) % p for i in range(n))
        vectors.add(_number(v, p))
    return frozenset(vectors)


def _subspaces(p: int, n: int, m: int) -> list[frozenset[int]]:
    """Every ``m``-dimensional subspace of ``GF(p)^n`` (as sets of point numbers)."""
    found: set[frozenset[int]] = set()
    points = [_digits(x, p, n) for x in range(1, p**n)]
    for basis in itertools.combinations(points, m):
        space = _span(list(basis), p, n)
        if len(space) == p**m:
            found.add(space)
    return sorted(found, key=lambda s: sorted(s))


def _partial_spread(spaces: list[frozenset[int]], want: int, seed: int) -> list[frozenset[int]]:
    """Up to ``want`` subspaces pairwise meeting only in zero (depth-first, then best found)."""
    rng = random.Random(seed)
    order = list(spaces)
    best: list[frozenset[int]] = []
    budget = [200_000]

    def extend(chosen: list[frozenset[int]], used: frozenset[int], start: int) -> bool:
        nonlocal best
        if len(chosen) > len(best):
            best = list(chosen)
        if len(chosen) == want:
            return True
        for i in range(start, len(order)):
            budget[0] -= 1
            if budget[0] < 0:
                return False
            space = order[i]
            if len(space & used) == 1:  # only the zero vector in common
                chosen.append(space)
                if extend(chosen, used | space, i + 1):
                    return True
                chosen.pop()
        return False

    rng.shuffle(order)
    extend([], frozenset({0}), 0)
    return best


def _cosets(space: frozenset[int], p: int, n: int) -> NDArray[np.int64]:
    """Group index of every point: which translate of ``space`` it lies in."""
    group = np.full(p**n, -1, dtype=np.int64)
    vectors = [_digits(v, p, n) for v in sorted(space)]
    count = 0
    for x in range(p**n):
        if group[x] >= 0:
            continue
        dx = _digits(x, p, n)
        for v in vectors:
            group[_number(tuple((a + b) % p for a, b in zip(dx, v, strict=True)), p)] = count
        count += 1
    return group


def affine_design(people: int, size: int, rounds: int, seed: int = 0) -> Design | None:
    """Rounds of cosets of a partial spread in ``GF(p)^n``, or ``None`` if out of reach.

    Parameters
    ----------
    people, size
        ``people == p**n`` and ``size == p**m`` for one prime ``p``.
    rounds
        Rounds wanted.
    seed
        Seed of the search for the partial spread.
    """
    pp, ps = _prime_power(people), _prime_power(size)
    if pp is None or ps is None or pp[0] != ps[0] or ps[1] >= pp[1]:
        return None
    p, n = pp
    m = ps[1]
    # The full spread exists when m divides n; the search stays small below a few hundred spaces.
    if people > 243:
        return None
    spaces = _subspaces(p, n, m)
    chosen = _partial_spread(spaces, rounds, seed)
    if len(chosen) < rounds:
        logger.debug("affine design %s-%s: only %d disjoint subspaces", people, size, len(chosen))
        return None
    return [_cosets(space, p, n) for space in chosen]


def kirkman_15() -> Design:
    """Kirkman's schoolgirls: 15 people in 5 groups of 3 for 7 days, no pair twice."""
    points = range(1, 16)
    lines = sorted({tuple(sorted((a, b, a ^ b))) for a in points for b in points if a < b})
    line_index = {line: i for i, line in enumerate(lines)}

    spreads: list[frozenset[int]] = []

    def build(chosen: list[int], covered: int) -> None:
        if covered == (1 << 16) - 2:
            spreads.append(frozenset(chosen))
            return
        first = next(x for x in points if not covered >> x & 1)
        for line in lines:
            if line[0] == first and not any(covered >> x & 1 for x in line):
                chosen.append(line_index[line])
                build(chosen, covered | sum(1 << x for x in line))
                chosen.pop()

    build([], 0)

    def pack(chosen: list[frozenset[int]], used: frozenset[int]) -> list[frozenset[int]] | None:
        if len(chosen) == 7:
            return list(chosen)
        first = min(set(range(len(lines))) - used)
        for spread in spreads:
            if first in spread and not spread & used:
                chosen.append(spread)
                done = pack(chosen, used | spread)
                if done is not None:
                    return done
                chosen.pop()
        return None

    packing = pack([], frozenset())
    assert packing is not None  # PG(3, 2) is known to have packings
    design: Design = []
    for spread in packing:
        group = np.full(15, -1, dtype=np.int64)
        for g, li in enumerate(sorted(spread)):
            for x in lines[li]:
                group[x - 1] = g
        design.append(group)
    return design


def design(people: int, size: int, rounds: int, seed: int = 0) -> Design | None:
    """A design seating ``people`` at tables of ``size`` for ``rounds`` rounds with no repeat.

    Returns ``None`` when no construction here fits.
    """
    if size < 2 or people % size or rounds < 1:
        return None
    if people == 15 and size == 3 and rounds <= 7:
        return kirkman_15()[:rounds]
    return affine_design(people, size, rounds, seed)
