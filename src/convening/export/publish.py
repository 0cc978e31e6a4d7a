"""A private calendar site: one calendar per person under a name nobody can guess.

:func:`publish` writes a plan's calendars into a folder that any web server,
bucket or static host serves as it is (the *site*), and writes the links to
send into the plan folder:

- Each calendar's file name is a keyed hash (HMAC-SHA256) of what the
  calendar is (``participants`` and the participant id, ``rooms`` and the
  room id, …) under a secret made on the first publish and kept in the plan
  folder (``publish-secret``), never in the site. A name reveals no id, name
  or e-mail and cannot be guessed from the others; the same secret gives the
  same names on every re-publish, and :func:`carry_publish_secret` (called
  when a re-plan is written) keeps it across re-plans, so links survive.
  ``rotate=True`` makes a new secret, writes every calendar under its new
  name and removes the old files (for a link that leaked).
- Each calendar says how often to fetch it again (``REFRESH-INTERVAL`` of
  :rfc:`7986` and Outlook's ``X-PUBLISHED-TTL``) and carries no
  calendar-level ``UID``: some clients (vdirsyncer 0.19) take that UID as
  every event's and keep one event per calendar.
- Events keep the UIDs, SEQUENCE numbers and cancellations of
  :mod:`convening.export.calendars`, read forward from the site's own
  files: what subscribers saw last is what the new version updates.
- A re-publish rewrites only the calendars whose bytes changed and removes
  nothing a subscriber may still fetch: a calendar whose owner left the plan
  is rewritten with every event cancelled.
- The site holds calendars only, plus an empty ``index.html`` (so a server
  that lists folders lists nothing) and a ``robots.txt`` that asks search
  engines to stay away. The links are in ``PLAN_DIR/links.csv`` (one row per
  participant: ``participant_id, name, email, url, webcal``, ready for a mail
  merge) and ``PLAN_DIR/links-shared.csv`` (the whole agenda, each
  delegation and each room).

The three files :func:`publish` keeps in the plan folder are named in
:data:`PLAN_FOLDER_FILES` and written only by :func:`write_plan_folder_file`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import logging
import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import attrs

from convening._files import atomic_path, write_bytes_atomic
from convening.errors import ConveningError

if TYPE_CHECKING:
    from icalendar import Calendar

    from convening.plan import Plan

__all__ = [
    "DEFAULT_TTL",
    "LINKS_FILE",
    "PLAN_FOLDER_FILES",
    "SECRET_FILE",
    "SHARED_LINKS_FILE",
    "PublishError",
    "PublishReport",
    "PublishedCalendar",
    "calendar_file_name",
    "carry_publish_secret",
    "publish",
    "write_plan_folder_file",
]

logger = logging.getLogger(__name__)

#: How long a subscriber's app waits before fetching a calendar again, unless told otherwise.
DEFAULT_TTL = dt.timedelta(hours=1)
#: The secret the file names are derived from (in the plan folder, never in the site).
SECRET_FILE = "publish-secret"
#: One row per participant with the address of their calendar.
LINKS_FILE = "links.csv"
#: The addresses of the whole agenda and of each delegation's and room's calendar.
SHARED_LINKS_FILE = "links-shared.csv"
#: Every file :func:`publish` writes into a plan folder.
PLAN_FOLDER_FILES = (SECRET_FILE, LINKS_FILE, SHARED_LINKS_FILE)

#: A calendar file of the site: 32 hexadecimal digits (128 bits of the HMAC).
_NAME = re.compile(r"^[0-9a-f]{32}\.ics$")
_INDEX = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title></title></head><body></body></html>\n'
_ROBOTS = b"User-agent: *\nDisallow: /\n"


class PublishError(ConveningError):
    """A plan cannot be published as asked (a bad address, a site of another secret, …)."""


@attrs.frozen
class PublishedCalendar:
    """One calendar of the site.

    Attributes
    ----------
    kind
        ``"participants"``, ``"delegations"``, ``"rooms"``, ``"event"``, or
        ``"left"`` for a calendar whose owner is no longer in the plan.
    item_id
        The participant, city or room id (empty for the whole agenda and for
        calendars whose owner left).
    title
        The calendar's display name, e.g. the person's name.
    name
        The file name's stem: 32 hexadecimal digits.
    calendar
        The calendar as published.
    data
        Its bytes.
    status
        ``"new"``, ``"updated"``, ``"unchanged"`` or ``"cancelled"`` (an owner
        who left, whose calendar changed now).
    """

    kind: str
    item_id: str
    title: str
    name: str
    calendar: Calendar
    data: bytes = attrs.field(repr=False)
    status: str


@attrs.frozen
class PublishReport:
    """What :func:`publish` did.

    Attributes
    ----------
    site
        The site folder.
    calendars
        Every calendar of the site now, participants first.
    removed
        Files removed from the site (only when rotating names).
    links
        The link files written into the plan folder.
    """

    site: Path
    calendars: tuple[PublishedCalendar, ...]
    removed: tuple[Path, ...]
    links: tuple[Path, ...]

    def of_status(self, status: str) -> list[PublishedCalendar]:
        """The calendars of one ``status`` (see :class:`PublishedCalendar`)."""
        return [c for c in self.calendars if c.status == status]

    def summary(self) -> list[str]:
        """What changed, in a few lines a planner reads."""
        lines = []
        total = len(self.calendars)
        counts = {s: len(self.of_status(s)) for s in ("new", "updated", "cancelled", "unchanged")}
        lines.append(
            f"{total} calendars: {counts['new']} new, {counts['updated']} updated, "
            f"{counts['cancelled']} cancelled (owner left the plan), "
            f"{counts['unchanged']} unchanged"
            + (f"; {len(self.removed)} old files removed" if self.removed else "")
        )
        for status in ("new", "updated", "cancelled"):
            shown = [c.title for c in self.of_status(status)]
            if shown:
                more = f" and {len(shown) - 10} more" if len(shown) > 10 else ""
                lines.append(f"{status}: " + "; ".join(shown[:10]) + more)
        return lines


def calendar_file_name(secret: bytes, *key: str) -> str:
    """The file name (without ``.ics``) of one calendar: an HMAC of its key.

    Parameters
    ----------
    secret
        The publish secret.
    *key
        What the calendar is: ``("participants", participant_id)``,
        ``("rooms", room_id)``, ``("delegations", city_id)`` or ``("event",)``.

    Returns
    -------
    str
        32 lowercase hexadecimal digits.
    """
    message = "\x1f".join(("convening-calendar", *key)).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def publish(
    plan_dir: str | os.PathLike[str],
    site: str | os.PathLike[str],
    base_url: str,
    *,
    rotate: bool = False,
    ttl: dt.timedelta = DEFAULT_TTL,
    plan: Plan | None = None,
) -> PublishReport:
    """Publish a plan's calendars into ``site`` and write the links into ``plan_dir``.

    Parameters
    ----------
    plan_dir
        The plan's folder (from ``convening plan`` or
        :func:`convening.write_outputs`); holds the secret and gets
        ``links.csv`` and ``links-shared.csv``.
    site
        The folder a web server serves at ``base_url``; made if missing.
        Publishing into it again (after a re-plan) updates it in place.
    base_url
        The address the site is served at, ``https://…``.
    rotate
        Make a new secret: every calendar gets a new name and the old files
        are removed, so a leaked link stops working. New links must be sent.
    ttl
        How often subscribers' apps should fetch calendars again (at least
        one minute; default one hour).
    plan
        The plan, when already read; default read from ``plan_dir``.

    Returns
    -------
    PublishReport

    Raises
    ------
    PublishError
        When ``base_url`` is not an http(s) address, ``ttl`` is under a
        minute, the site would hold the plan folder, or the site holds
        calendars published under another secret (without ``rotate``).
    """

    from convening.export.calendars import (
        calendar_uid,
        cancelled_calendar,
        delegation_calendar,
        event_calendar,
        participant_calendar,
        room_calendar,
    )

    plan_root, site_root = Path(plan_dir), Path(site)
    base = _base_url(base_url)
    if ttl < dt.timedelta(minutes=1):
        raise PublishError(f"the refresh interval must be at least one minute, not {ttl}")
    if _within(plan_root, site_root):
        raise PublishError(
            f"the site {site_root} would hold the plan folder {plan_root} and its secret; "
            "choose a site folder outside it"
        )
    if site_root.exists() and not site_root.is_dir():
        raise PublishError(f"the site {site_root} is a file, not a folder")
    if plan is None:
        from convening.io import read_plan

        plan = read_plan(plan_root)
    event = plan.event

    old_secret = _read_secret(plan_root)
    secret = secrets.token_bytes(32) if rotate or old_secret is None else old_secret
    ours = _site_files(site_root)
    wanted: list[tuple[str, str, str, tuple[str, ...]]] = [
        ("participants", p.participant_id, p.name, ("participants", p.participant_id))
        for p in event.participants
    ]
    wanted += [
        ("delegations", c.city_id, f"{c.label} delegation", ("delegations", c.city_id))
        for c in event.cities
        if c.city_id in event.delegation_by_city
    ]
    wanted += [("rooms", r.room_id, r.name, ("rooms", r.room_id)) for r in event.rooms]
    wanted.append(("event", "", event.name, ("event",)))
    names = {key: calendar_file_name(secret, *key) for *_, key in wanted}
    old_names = (
        {key: calendar_file_name(old_secret, *key) for *_, key in wanted}
        if old_secret is not None
        else {}
    )
    if ours and not rotate and not ours & {f"{n}.ics" for n in names.values()}:
        raise PublishError(
            f"the site {site_root} holds calendars published under another secret than the "
            f"one in {plan_root}; publish from the plan folder that holds it (or copy its "
            f"{SECRET_FILE} file here), or rotate the names to send everyone new links"
        )

    builders = {
        "participants": lambda i, prev: participant_calendar(plan, i, prev),
        "delegations": lambda i, prev: delegation_calendar(plan, i, prev),
        "rooms": lambda i, prev: room_calendar(plan, i, prev),
        "event": lambda _i, prev: event_calendar(plan, prev),
    }
    published: list[PublishedCalendar] = []
    for kind, item_id, title, key in wanted:
        name = names[key]
        source = site_root / f"{old_names.get(key, name)}.ics"
        existing = source.read_bytes() if source.is_file() else None
        previous: Calendar | Path | None = None
        if existing is not None:
            previous = _parse(existing, source)
            # A published calendar carries no calendar-level UID; give it back the one
            # the builders check, so only this calendar's events are carried forward.
            previous.pop("UID", None)
            previous.add("UID", calendar_uid(event, *key))
        else:
            # Never published: start from the plan folder's own file, whose SEQUENCE
            # numbers a re-plan already raised.
            in_plan = _plan_calendar(plan_root, key)
            previous = in_plan if in_plan is not None and in_plan.is_file() else None
        calendar = _for_subscribers(builders[kind](item_id, previous), ttl)
        data = calendar.to_ical()
        target = site_root / f"{name}.ics"
        current = target.read_bytes() if target.is_file() else None
        if current is None:
            status = "new"
        elif current == data:
            status = "unchanged"
        else:
            status = "updated"
        published.append(PublishedCalendar(kind, item_id, title, name, calendar, data, status))

    kept = {f"{c.name}.ics" for c in published}
    removed: list[Path] = []
    for file_name in sorted(ours - kept):
        path = site_root / file_name
        if rotate:
            removed.append(path)
            continue
        earlier = path.read_bytes()
        calendar = _for_subscribers(cancelled_calendar(plan, _parse(earlier, path)), ttl)
        data = calendar.to_ical()
        title = str(calendar.get("X-WR-CALNAME") or calendar.get("NAME") or path.stem)
        status = "unchanged" if data == earlier else "cancelled"
        published.append(PublishedCalendar("left", "", title, path.stem, calendar, data, status))

    for cal in published:
        if cal.status != "unchanged":
            write_bytes_atomic(site_root / f"{cal.name}.ics", cal.data)
    for file_name, content in (("index.html", _INDEX), ("robots.txt", _ROBOTS)):
        target = site_root / file_name
        if not target.is_file() or target.read_bytes() != content:
            write_bytes_atomic(target, content)
    if secret != old_secret:
        write_plan_folder_file(plan_root, SECRET_FILE, secret.hex().encode("ascii") + b"\n")
    links = _write_links(plan_root, base, published, plan)
    for path in removed:
        path.unlink(missing_ok=True)
    report = PublishReport(site_root, tuple(published), tuple(removed), links)
    for line in report.summary():
        logger.info("%s", line)
    return report


def carry_publish_secret(
    previous_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str]
) -> Path | None:
    """Copy the publish secret of an earlier plan folder into a new one (for a re-plan).

    With the same secret, publishing the new plan keeps every calendar's
    address, so subscribers follow the re-plan. Nothing is copied when the
    earlier folder was never published or the new one has a secret already.

    Returns
    -------
    Path or None
        The secret file written, if any.
    """
    secret = _read_secret(Path(previous_dir))
    if secret is None or _read_secret(Path(out_dir)) is not None:
        return None
    return write_plan_folder_file(Path(out_dir), SECRET_FILE, secret.hex().encode("ascii") + b"\n")


def write_plan_folder_file(plan_dir: Path, name: str, data: bytes) -> Path:
    """Write one of :data:`PLAN_FOLDER_FILES` into a plan folder, atomically.

    The secret is readable by its owner only.
    """
    if name not in PLAN_FOLDER_FILES:
        raise ValueError(f"{name!r} is not a file publishing keeps in a plan folder")
    path = plan_dir / name
    if name != SECRET_FILE:
        return write_bytes_atomic(path, data)
    with atomic_path(path) as tmp:
        # Created unreadable to others, never loosened afterwards.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    return path


# -- helpers ----------------------------------------------------------------------------------


def _base_url(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(
            f"the base URL must be the site's address, such as https://example.org/cal/, "
            f"not {base_url!r}"
        )
    if parts.query or parts.fragment:
        raise PublishError(f"the base URL must not carry a query or fragment: {base_url!r}")
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        logger.warning("links over plain http can be read on the way; prefer https")
    return base_url.strip().rstrip("/") + "/"


def _within(inner: Path, outer: Path) -> bool:
    return inner.resolve().is_relative_to(outer.resolve())


def _read_secret(plan_root: Path) -> bytes | None:
    path = plan_root / SECRET_FILE
    if not path.is_file():
        return None
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise PublishError(f"{path} is damaged: it should hold 64 hexadecimal digits")
    return secret


def _site_files(site_root: Path) -> set[str]:
    if not site_root.is_dir():
        return set()
    return {p.name for p in site_root.iterdir() if _NAME.match(p.name) and p.is_file()}


def _parse(data: bytes, where: Path) -> Calendar:
    from icalendar import Calendar

    try:
        return Calendar.from_ical(data)
    except ValueError as err:
        raise PublishError(f"{where} is not a calendar this site published: {err}") from err


def _plan_calendar(plan_root: Path, key: tuple[str, ...]) -> Path | None:
    folder = plan_root / "calendars"
    if key == ("event",):
        return folder / "event.ics"
    kind, item_id = key
    path = folder / kind / f"{item_id}.ics"
    # An id is a safe file name (checked on reading), but never leave the folder.
    return path if _within(path, folder) else None


def _for_subscribers(calendar: Calendar, ttl: dt.timedelta) -> Calendar:
    from icalendar import vDuration

    calendar.pop("UID", None)
    calendar.add("REFRESH-INTERVAL", ttl, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(ttl))
    return calendar


def _webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


def _write_links(
    plan_root: Path, base: str, published: Sequence[PublishedCalendar], plan: Plan
) -> tuple[Path, Path]:
    from convening.export.csv import csv_text

    people = plan.event.participant_by_id
    rows = [["participant_id", "name", "email", "url", "webcal"]]
    shared = [["kind", "id", "name", "url", "webcal"]]
    for cal in published:
        url = f"{base}{cal.name}.ics"
        if cal.kind == "participants":
            person = people[cal.item_id]
            rows.append([cal.item_id, person.name, person.email or "", url, _webcal(url)])
        elif cal.kind in ("delegations", "rooms", "event"):
            kind = {"delegations": "delegation", "rooms": "room"}.get(cal.kind, cal.kind)
            shared.append([kind, cal.item_id, cal.title, url, _webcal(url)])
    written = []
    for name, table in ((LINKS_FILE, rows), (SHARED_LINKS_FILE, shared)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([csv_text(cell) for cell in row] for row in table)
        # A byte-order mark, so Excel and mail-merge tools read accented names right.
        data = buffer.getvalue().encode("utf-8-sig")
        target = plan_root / name
        if not target.is_file() or target.read_bytes() != data:
            write_plan_folder_file(plan_root, name, data)
        written.append(target)
    return written[0], written[1]
