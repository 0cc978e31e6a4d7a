"""The built-in example events, shipped as CSV folders in ``convening/data/<name>/``."""

from __future__ import annotations

from importlib import resources

from convening.errors import ConveningError
from convening.model import Event

__all__ = ["EXAMPLES", "load_example"]

#: The names of the built-in examples.
EXAMPLES: tuple[str, ...] = ("new_orleans", "peer_exchange")


def load_example(name: str) -> Event:
    """Read a built-in example event.

    Parameters
    ----------
    name
        ``"new_orleans"`` (a national convening of some 45 delegations) or
        ``"peer_exchange"`` (a small peer exchange).

    Returns
    -------
    Event
        The checked event.

    Raises
    ------
    ConveningError
        When there is no example of that name.
    """
    from convening.io.reader import _read

    folder = resources.files("convening") / "data" / name
    if name not in EXAMPLES or not folder.is_dir():
        raise ConveningError(
            f"there is no built-in example {name!r}; the examples are {', '.join(EXAMPLES)}"
        )
    return _read(folder, f"built-in example {name}")
