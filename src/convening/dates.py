"""Dates spelled out in English whatever the machine's locale (``strftime`` follows it)."""

from __future__ import annotations

import datetime as dt

__all__ = ["day_label", "short_day_label"]

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_label(day: dt.date) -> str:
    """``"Tuesday 20 April 2027"``."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_day_label(day: dt.date) -> str:
    """``"Tue 20 Apr"``."""
    return f"{_DAYS[day.weekday()][:3]} {day.day} {_MONTHS[day.month - 1][:3]}"
