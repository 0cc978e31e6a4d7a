"""Writing files so that nobody ever sees half of one (for :mod:`convening.io` and :mod:`convening.export` only)."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from convening.errors import OutputExistsError

logger = logging.getLogger(__name__)


def check_new_file(path: Path, *, force: bool, suffixes: tuple[str, ...]) -> None:
    """Raise :class:`OutputExistsError` unless ``path`` may be written.

    It must end in one of ``suffixes``, not be a folder, and not exist unless
    ``force`` is set.
    """
    if path.suffix.lower() not in suffixes:
        raise OutputExistsError(path, f"{path} is not a {' or '.join(suffixes)} file")
    if path.is_dir():
        raise OutputExistsError(path, f"{path} is a folder, not a file")
    if os.path.lexists(path) and not force:
        raise OutputExistsError(path, f"{path} exists; pass force=True to replace it")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary name beside ``path``; rename it to ``path`` once written.

    A reader never sees a half-written file, and a failed write leaves any
    earlier file in place. The folder is made if missing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file; return ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    logger.info("wrote %s", path)
    return path


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` through a temporary file; return the path."""
    return write_bytes_atomic(Path(path), text.encode("utf-8"))
