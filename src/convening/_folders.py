"""Replacing a whole output folder so that nobody ever sees half of one (for io/export only).

A plan's folder is written into a sibling temporary folder and swapped in by
rename, so the folder always holds the old plan or the new one, whole. The
folder's ``manifest.json``, written last, lists every file the project wrote
with its SHA-256: ``--force`` only ever replaces those (a file a planner added
or changed is carried over, or the run is refused when the new plan would
write over it), and readers refuse a folder whose files no longer match it.
A lock beside the folder refuses a second run into the same folder, and what
a killed run left beside the folder is removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import hashlib
import json
import logging
import os
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from convening.errors import ConveningError

logger = logging.getLogger(__name__)

__all__ = [
    "MANIFEST",
    "OutputFolderError",
    "check_folder",
    "folder_lock",
    "owned_files",
    "public_name",
    "read_manifest",
    "replace_folder",
    "verify_folder",
]

#: The file that lists what the project wrote into a folder; written last.
MANIFEST = "manifest.json"
_MANIFEST_FORMAT = "convening-manifest/1"
#: Marks the project's own temporary names beside a folder: ``.<name>.convening-…``.
_TAG = ".convening-"


class OutputFolderError(ConveningError):
    """The output folder holds files that writing a plan would mix with or lose."""


def _absolute(folder: str | os.PathLike[str]) -> Path:
    # Through links: a link to a folder gets the folder replaced, not the link.
    path = Path(os.path.realpath(folder))
    if not path.name:
        raise OutputFolderError(f"{folder} cannot hold a plan; name a folder inside it")
    return path


def _sibling(folder: Path, what: str) -> Path:
    return folder.with_name(f".{folder.name}{_TAG}{what}")


def public_name(path: str | os.PathLike[str], temporary: Path, target: Path) -> str:
    """``path`` as the planner knows it: inside ``target`` rather than ``temporary``."""
    text = str(path)
    if text.startswith(str(temporary)):
        text = str(target) + text[len(str(temporary)) :]
    # Files are written under ``.<name>.<pid>.<hex>.tmp`` and renamed (convening._files).
    parent, _, name = text.rpartition(os.sep)
    if name.startswith(".") and name.endswith(".tmp") and name.count(".") >= 4:
        name = name[1:].rsplit(".", 3)[0]
        text = f"{parent}{os.sep}{name}" if parent else name
    return text


# -- the manifest -----------------------------------------------------------------------------


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` as ``/``-separated relative paths, sorted."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        rel = Path(root).relative_to(folder)
        for name in files:
            found.append((rel / name).as_posix())
        # A link to a folder is carried as a link, never followed.
        found += [(rel / d).as_posix() for d in dirs if (Path(root) / d).is_symlink()]
    return sorted(found)


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, str] | None:
    """The files the project wrote into ``folder`` with their SHA-256, or ``None`` if no manifest.

    Raises
    ------
    OutputFolderError
        When the manifest is damaged.
    """
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise OutputFolderError(f"{path} is damaged: {exc}") from None
    files = data.get("files") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("format") != _MANIFEST_FORMAT
        or not isinstance(files, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    ):
        raise OutputFolderError(f"{path} is damaged: it is not a manifest written by convening")
    return dict(files)


def _write_manifest(folder: Path, files: Iterable[str]) -> None:
    entries = {name: _digest(folder / name) for name in sorted(files)}
    text = json.dumps({"format": _MANIFEST_FORMAT, "files": entries}, indent=1)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")


def owned_files(folder: str | os.PathLike[str]) -> set[str]:
    """The files in ``folder`` the project wrote and nobody changed since (relative paths)."""
    root = Path(folder)
    manifest = read_manifest(root)
    if manifest is None:
        return set()
    owned = {MANIFEST}
    for name, digest in manifest.items():
        path = root / name
        if path.is_file() and not path.is_symlink() and _digest(path) == digest:
            owned.add(name)
    return owned


def verify_folder(folder: str | os.PathLike[str]) -> None:
    """Raise :class:`OutputFolderError` unless every file the manifest lists is there, unchanged.

    A folder without a manifest (written by hand, or by an older version) is
    accepted as it is.
    """
    root = Path(folder)
    manifest = read_manifest(root)
    if manifest is None:
        return
    missing = sorted(n for n in manifest if not (root / n).is_file())
    changed = sorted(n for n in manifest if n not in missing and _digest(root / n) != manifest[n])
    if missing or changed:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing ({', '.join(missing[:3])})")
        if changed:
            parts.append(f"{len(changed)} changed since written ({', '.join(changed[:3])})")
        raise OutputFolderError(
            f"{root} does not hold the plan its {MANIFEST} lists: files "
            f"{'; '.join(parts)}; write the plan again (force=True replaces it)"
        )


# -- the lock -----------------------------------------------------------------------------------

_held: dict[Path, tuple[Any, int]] = {}


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the lock of the output folder ``folder`` (re-entrant within one process).

    The lock is a file beside the folder, locked by the operating system, so a
    killed run never leaves it held. Holding it, leftovers of a killed earlier
    run beside the folder are removed. Yields the folder's absolute path.

    Raises
    ------
    OutputFolderError
        When another run holds the lock.
    """
    target = _absolute(folder)
    if target in _held:
        handle, count = _held[target]
        _held[target] = (handle, count + 1)
        try:
            yield target
        finally:
            handle, count = _held[target]
            if count == 1:
                del _held[target]
                _unlock(target, handle)
            else:
                _held[target] = (handle, count - 1)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = _lock(target)
    _held[target] = (handle, 1)
    try:
        _clean_leftovers(target)
        yield target
    finally:
        handle, count = _held.pop(target)
        _unlock(target, handle)


def _lock(target: Path) -> Any:
    path = _sibling(target, "lock")
    while True:
        handle = open(path, "a+b")  # noqa: SIM115 - held until _unlock
        try:
            _os_lock(handle)
        except OSError:
            handle.close()
            raise OutputFolderError(
                f"another convening run is writing to {target}; wait for it to finish, "
                "or choose another folder"
            ) from None
        # The file may have been removed by the run that held it just before: lock the one
        # that is there now, so two runs never each hold a different file.
        try:
            same = os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return handle
        handle.close()


def _unlock(target: Path, handle: Any) -> None:
    with contextlib.suppress(OSError):
        _sibling(target, "lock").unlink()
    handle.close()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _os_lock(handle: Any) -> None:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _os_lock(handle: Any) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _clean_leftovers(target: Path) -> None:
    """Remove what a killed run left beside ``target`` (the caller holds the lock)."""
    prefix = f".{target.name}{_TAG}"
    olds: list[Path] = []
    for path in sorted(target.parent.glob(f"{glob_escape(prefix)}*")):
        what = path.name[len(prefix) :]
        if what.startswith("old-"):
            olds.append(path)
        elif what.startswith("new-"):
            logger.info("removing %s, left by an interrupted run", path)
            shutil.rmtree(path, ignore_errors=True)
    for path in olds:
        # Killed between the two renames of a swap (where no atomic exchange exists):
        # the old plan is whole, put it back.
        if not os.path.lexists(target):
            os.rename(path, target)
        else:
            shutil.rmtree(path, ignore_errors=True)


def glob_escape(text: str) -> str:
    """``text`` with the characters :meth:`Path.glob` treats specially escaped."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


# -- checking and replacing a folder ------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_folder(
    folder: str | os.PathLike[str],
    *,
    force: bool,
    may_write: Iterable[str] = (),
    protect: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Raise :class:`OutputFolderError` if a plan cannot replace ``folder``; change nothing.

    Parameters
    ----------
    folder
        The output folder.
    force
        Whether files of an earlier plan there may be replaced.
    may_write
        Relative paths (``/``-separated; ``*`` matches any text, ``/``
        included) the new contents may write: a file there that the project
        did not write refuses the folder, since it would be lost. Other files
        the project did not write are carried over into the new folder.
    protect
        Paths (the input) that must not be inside the folder.
    """
    target = _absolute(folder)
    for path in protect:
        given = Path(os.path.realpath(path))
        if _inside(given, target):
            raise OutputFolderError(
                f"{given} is inside the output folder {target}: the plan would replace it; "
                "choose another folder for the plan"
            )
    if os.path.lexists(target) and not target.is_dir():
        raise OutputFolderError(f"{target} is a file; the output names a folder")
    if target.is_dir():
        present = _files_in(target)
        if present and not force:
            raise OutputFolderError(
                f"{target} is not empty; choose a new folder, or pass force=True to replace "
                "the files of an earlier plan there"
            )
        owned = owned_files(target)
        patterns = [*may_write, MANIFEST]
        at_risk = [
            name
            for name in present
            if name not in owned and any(fnmatch.fnmatchcase(name, p) for p in patterns)
        ]
        if at_risk:
            raise OutputFolderError(
                f"{target} holds files convening did not write, or that were changed since "
                f"({', '.join(at_risk[:5])}{', …' if len(at_risk) > 5 else ''}); the new plan "
                "would replace them: move them away, or choose a new folder"
            )
    # Find an unwritable place before any work is spent on what would go there.
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        probe = _sibling(target, f"probe-{os.getpid()}-{secrets.token_hex(4)}")
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        raise OutputFolderError(f"cannot write to {target}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def replace_folder(
    folder: str | os.PathLike[str],
    *,
    force: bool = False,
    update: bool = False,
    may_write: Iterable[str] = (),
    protect: Iterable[str | os.PathLike[str]] = (),
    drop: Iterable[str] = (),
    unlisted: Iterable[str] = (),
) -> Iterator[Path]:
    """Yield a new, empty sibling folder; swap it in for ``folder`` once filled.

    On leaving the block the files a planner put into ``folder`` are carried
    over (linked) into the new folder, its manifest is written last, and the
    new folder replaces the old one by rename; then the old one is removed. On
    any error or interruption the new folder is removed and ``folder`` is as
    it was.

    Parameters
    ----------
    folder
        The output folder.
    force
        Replace the files of an earlier plan in ``folder``.
    update
        Start the new folder as a copy of the old one (by links), to replace
        some files and keep the rest, e.g. a plan's report.
    may_write, protect
        As for :func:`check_folder`.
    drop
        Names of files the project writes into the folder later, outside its
        manifest (a published plan's links), that belong to the old contents:
        not carried over.
    unlisted
        Names of files the project may write, in the new folder or later, that
        stay out of the manifest because they are rewritten in place (the
        publish secret); found in the old folder, they are carried over.

    Raises
    ------
    OutputFolderError
        As :func:`check_folder`, or when another run holds the folder's lock.
    """
    with folder_lock(folder) as target:
        check_folder(target, force=force or update, may_write=may_write, protect=protect)
        new = _sibling(target, f"new-{os.getpid()}-{secrets.token_hex(4)}")
        new.mkdir()
        try:
            old_owned = owned_files(target) if target.is_dir() else set()
            if update:
                for name in sorted(old_owned - {MANIFEST}):
                    _link(target / name, new / name)
            try:
                with _logged_as(new, target):
                    yield new
            except OSError as exc:
                if exc.filename:
                    exc.filename = public_name(exc.filename, new, target)
                if exc.filename2:
                    exc.filename2 = public_name(exc.filename2, new, target)
                raise
            written = _files_in(new)
            dropped, kept = set(drop), set(unlisted)
            if target.is_dir():
                for name in _files_in(target):
                    if name in old_owned or name in dropped:
                        continue
                    if name in kept and os.path.lexists(new / name):
                        continue  # written anew (e.g. carried from a previous plan)
                    if os.path.lexists(new / name):
                        raise OutputFolderError(
                            f"{target / name} was not written by convening (or changed since) "
                            "and the new plan would replace it: move it away, or choose a new "
                            "folder"
                        )
                    _link(target / name, new / name)
            _write_manifest(new, (n for n in written if n != MANIFEST and n not in kept))
            _fsync_tree(new)
            _swap(new, target)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        # ``new`` now holds the old folder (or nothing, if there was none).
        shutil.rmtree(new, ignore_errors=True)
    logger.info("wrote %s", target)


@contextlib.contextmanager
def _logged_as(new: Path, target: Path) -> Iterator[None]:
    """While the new folder is written, log its files under the names they will have."""
    factory = logging.getLogRecordFactory()

    def renamed(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if isinstance(record.args, tuple) and record.name.startswith("convening"):
            record.args = tuple(
                public_name(a, new, target)
                if isinstance(a, str | os.PathLike) and str(a).startswith(str(new))
                else a
                for a in record.args
            )
        return record

    logging.setLogRecordFactory(renamed)
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)


def _link(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), dest)
        return
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def _fsync_tree(folder: Path) -> None:
    # So that the rename never makes visible a folder whose files a power cut would lose.
    if sys.platform == "win32":  # pragma: no cover
        return
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``; afterwards ``new`` holds the old folder, if any."""
    if not os.path.lexists(target):
        os.rename(new, target)
        new.mkdir()
        return
    if _exchange(new, target):
        return
    # No atomic exchange here: two renames; a run killed between them is repaired by
    # the next (see _clean_leftovers).
    old = _sibling(target, f"old-{os.getpid()}-{secrets.token_hex(4)}")
    os.rename(target, old)
    os.rename(new, target)
    os.rename(old, new)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step where the system can (Linux ``renameat2``)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes.append(ctypes.c_uint)
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
