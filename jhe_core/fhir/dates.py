"""FHIR dates, dateTimes and instants as half-open UTC ranges ``[lo, hi)``.

A FHIR date has an implicit precision: ``2024`` is the whole year, ``2024-05-01`` the whole
day, ``2024-05-01T10:00:00Z`` one second. Search compares ranges, so every value parses to
the range it covers. Datetimes are naive UTC, like every datetime column in the database.
"""

import datetime
import re

UTC = datetime.timezone.utc

_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$")


class DateFormatError(ValueError):
    """Not a FHIR date, dateTime or instant."""


def to_naive_utc(value: datetime.datetime) -> datetime.datetime:
    """Aware datetimes converted to UTC; naive ones are taken as UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def parse_range(text: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The ``[lo, hi)`` range a FHIR date/dateTime/instant string covers."""
    match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise DateFormatError(f"{text!r} is not a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD or "
                              f"YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm))")
    parts = match.groupdict()
    try:
        year = int(parts["year"])
        if parts["month"] is None:
            lo = datetime.datetime(year, 1, 1)
            return lo, datetime.datetime(year + 1, 1, 1)
        month = int(parts["month"])
        if parts["day"] is None:
            lo = datetime.datetime(year, month, 1)
            return lo, (datetime.datetime(year + 1, 1, 1) if month == 12 else datetime.datetime(year, month + 1, 1))
        day = int(parts["day"])
        if parts["hour"] is None:
            lo = datetime.datetime(year, month, day)
            return lo, lo + datetime.timedelta(days=1)
        fraction = parts["fraction"] or ""
        micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
        lo = datetime.datetime(year, month, day, int(parts["hour"]), int(parts["minute"]),
                               int(parts["second"] or 0), micro)
    except ValueError as exc:  # month 13, February 30th...
        raise DateFormatError(f"{text!r} is not a valid date: {exc}") from None
    if parts["tz"] and parts["tz"] != "Z":
        sign = 1 if parts["tz"][0] == "+" else -1
        hours, minutes = int(parts["tz"][1:3]), int(parts["tz"][4:6])
        lo -= sign * datetime.timedelta(hours=hours, minutes=minutes)
    if fraction:
        step = datetime.timedelta(microseconds=10 ** max(0, 6 - (len(fraction) - 1)))
    elif parts["second"] is None:
        step = datetime.timedelta(minutes=1)
    else:
        step = datetime.timedelta(seconds=1)
    return lo, lo + step


def parse_instant(value) -> datetime.datetime:
    """A point in time from a datetime (aware or naive UTC) or a FHIR/ISO string."""
    if isinstance(value, datetime.datetime):
        return to_naive_utc(value)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return to_naive_utc(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return parse_range(value)[0]
    raise DateFormatError(f"{value!r} is not a date or time")


def format_instant(value: datetime.datetime) -> str:
    """A naive UTC datetime as a FHIR instant (``2024-05-01T10:00:00.123456+00:00``)."""
    return value.replace(tzinfo=UTC).isoformat()
