"""Each participant's calendar pushed to a CalDAV server, kept in step on every re-publish.

:func:`push_caldav` makes one calendar collection per participant under a
CalDAV address (named like the site's file, see
:mod:`convening.export.publish`, with the person's name as display name) and
keeps it equal to the published calendar:

- An event is stored under its own UID, so a re-publish updates it in place
  (same UID, the higher SEQUENCE the export gave it) and never duplicates it;
  the export's SEQUENCE is kept as it is, never raised again by the client.
- Events the plan cancelled are stored cancelled; anything else in the
  collection that the calendar no longer holds is deleted.
- Events the server already holds at the same SEQUENCE and LAST-MODIFIED are
  not sent again.
- A request that fails (a dropped connection, a server error) is tried again
  a few times; a calendar that still fails is reported with what was and
  was not stored, and the others go on. Wrong credentials stop everything
  with :class:`CalDAVLoginError`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from convening.errors import ConveningError

if TYPE_CHECKING:
    from convening.export.publish import PublishedCalendar

__all__ = ["CalDAVError", "CalDAVLoginError", "CalDAVResult", "push_caldav"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


class CalDAVError(ConveningError):
    """The CalDAV server cannot be used (unreachable, or no collection at the address)."""


class CalDAVLoginError(CalDAVError):
    """The CalDAV server refused the user name or password."""


@attrs.frozen
class CalDAVResult:
    """What happened to one calendar on the server.

    Attributes
    ----------
    title
        The calendar's display name (the person's name).
    name
        The collection's name (as the site's file name).
    stored
        Events uploaded (new or changed).
    unchanged
        Events the server already held as they are.
    deleted
        Objects removed from the collection.
    error
        Why the calendar could not be brought up to date, or ``None``.
    pending
        Events that were to be uploaded or deleted but were not (when
        ``error`` is set): the calendar on the server is incomplete.
    """

    title: str
    name: str
    stored: int = 0
    unchanged: int = 0
    deleted: int = 0
    error: str | None = None
    pending: int = 0

    @property
    def ok(self) -> bool:
        """Whether the calendar on the server equals the published one."""
        return self.error is None


def push_caldav(
    calendars: Iterable[PublishedCalendar],
    url: str,
    username: str,
    password: str,
    *,
    attempts: int = 3,
    pause: float = 0.5,
    timeout: int = 30,
) -> list[CalDAVResult]:
    """Bring one CalDAV calendar collection per participant in step with the published calendars.

    Parameters
    ----------
    calendars
        The calendars of :func:`convening.export.publish.publish`
        (``report.calendars``). Participants' calendars are pushed; the
        calendar of someone who left the plan is pushed only when the server
        already holds their collection (to cancel their events); the
        delegation, room and whole-agenda calendars stay on the site.
    url
        The collection under which each participant's calendar is made, e.g.
        ``https://dav.example.org/dav/calendars/planner/``.
    username, password
        The account on the CalDAV server.
    attempts
        How many times a request is tried before the calendar is reported
        as failed.
    pause
        Seconds to wait before the first retry; doubled at each retry.
    timeout
        Seconds to wait for one answer of the server.

    Returns
    -------
    list of CalDAVResult
        One per calendar pushed, in order.

    Raises
    ------
    CalDAVLoginError
        When the server refuses the credentials.
    CalDAVError
        When the server cannot be reached, or ``url`` is not a collection.
    """
    from caldav.collection import CalendarSet
    from caldav.davclient import DAVClient
    from caldav.lib import error

    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    todo = [c for c in calendars if c.kind in ("participants", "left")]
    client = DAVClient(url=url, username=username, password=password, timeout=timeout)

    def retried(what: str, call: Callable[[], _T]) -> _T:
        wait = pause
        for attempt in range(1, attempts + 1):
            try:
                return call()
            except error.AuthorizationError as err:
                raise CalDAVLoginError(_login_message(url, username, err)) from None
            except (error.DAVError, OSError) as err:
                if isinstance(err, error.NotFoundError) or attempt == attempts:
                    raise
                logger.warning(
                    "%s failed (%s); trying again (%d of %d)", what, err, attempt, attempts
                )
                time.sleep(wait)
                wait *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    home = CalendarSet(client=client, url=url)
    try:
        found: list[Any] = retried(url, home.get_calendars)  # type: ignore[arg-type]
        existing = {_last_segment(str(c.url)): c for c in found}
    except error.NotFoundError:
        raise CalDAVError(f"there is no CalDAV collection at {url}") from None
    except (error.DAVError, OSError) as err:
        raise CalDAVError(f"cannot reach the CalDAV server at {url}: {err}") from None

    results = []
    for published in todo:
        if published.kind == "left" and published.name not in existing:
            continue
        results.append(_push_one(published, home, existing.get(published.name), retried))
    failed = [r for r in results if not r.ok]
    logger.info("pushed %d calendars to %s (%d failed)", len(results), url, len(failed))
    return results


def _push_one(
    published: PublishedCalendar,
    home: Any,
    collection: Any,
    retried: Callable[[str, Callable[[], Any]], Any],
) -> CalDAVResult:
    from caldav.lib import error

    from convening.export.calendars import caldav_objects

    title, name = published.title, published.name
    objects = caldav_objects(published.calendar)
    stored = unchanged = deleted = 0
    done = 0
    gone: list[Any] = []
    try:
        if collection is None:
            collection = retried(
                f"making calendar {title}", lambda: home.make_calendar(name=title, cal_id=name)
            )
            on_server: dict[str, Any] = {}
        else:
            on_server = _by_uid(retried(f"reading calendar {title}", collection.get_events))
        wanted = {uid for uid, _ in objects}
        gone = [obj for uid, obj in sorted(on_server.items()) if uid not in wanted]
        for uid, data in objects:
            current = on_server.get(uid)
            if current is not None and _same_version(current.data, data):
                unchanged += 1
            elif current is not None:

                def update(obj: Any = current, text: str = data.decode("utf-8")) -> Any:
                    obj.data = text
                    return obj.save(increase_seqno=False)

                retried(f"updating an event of {title}", update)
                stored += 1
            else:

                def add(text: str = data.decode("utf-8")) -> Any:
                    return collection.add_event(text, increase_seqno=False)

                retried(f"storing an event of {title}", add)
                stored += 1
            done += 1
        for obj in gone:
            retried(f"deleting an event of {title}", obj.delete)
            deleted += 1
            done += 1
    except (error.DAVError, OSError) as err:
        pending = len(objects) + len(gone) - done
        logger.warning("calendar %s on the CalDAV server is incomplete: %s", title, err)
        return CalDAVResult(
            title, name, stored, unchanged, deleted, str(err) or repr(err), pending
        )
    return CalDAVResult(title, name, stored, unchanged, deleted)


def _by_uid(objects: Iterable[Any]) -> dict[str, Any]:
    from icalendar import Calendar

    out: dict[str, Any] = {}
    for obj in objects:
        try:
            uids = [str(v["UID"]) for v in Calendar.from_ical(obj.data).walk("VEVENT")]
        except (ValueError, KeyError):
            uids = []
        for uid in uids[:1]:
            out[uid] = obj
    return out


def _version(data: str | bytes) -> tuple[str, ...] | None:
    from icalendar import Calendar

    try:
        events = Calendar.from_ical(data).walk("VEVENT")
    except ValueError:
        return None
    if len(events) != 1:
        return None
    vevent = events[0]
    return tuple(
        str(vevent.get(p).to_ical() if hasattr(vevent.get(p), "to_ical") else vevent.get(p))
        for p in ("UID", "SEQUENCE", "STATUS", "LAST-MODIFIED")
    )


def _same_version(on_server: str | bytes | None, data: bytes) -> bool:
    if on_server is None:
        return False
    mine = _version(data)
    return mine is not None and _version(on_server) == mine


def _last_segment(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _login_message(url: str, username: str, err: Exception) -> str:
    return (
        f"the CalDAV server at {url} refused the user {username!r} and its password "
        f"(check the user and the password variable): {err}"
    )
