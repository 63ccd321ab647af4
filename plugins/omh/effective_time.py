"""The effective start and end of a data point, from ``body.effective_time_frame``.

A time frame is a ``date_time`` (start = end) or a ``time_interval`` given as start+end,
start+duration or end+duration (older OMH schemas also allow a ``date`` with a
``part_of_day``, taken as that whole day). Results are naive UTC datetimes, as stored.
"""

from datetime import date, datetime, timedelta, timezone

from jhe_core import Issue

# Duration units of the OMH/IEEE duration-unit-value schemas. Months and years have no fixed
# length; the mean Gregorian month and year are used.
UNIT_SECONDS = {
    "ps": 1e-12, "ns": 1e-9, "us": 1e-6, "ms": 1e-3, "sec": 1, "min": 60, "h": 3600,
    "d": 86400, "wk": 7 * 86400, "Mo": 30.436875 * 86400, "yr": 365.2425 * 86400,
}
FRAME_PATH = "body.effective_time_frame"


class TimeFrameError(ValueError):
    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path, self.message = path, message


def effective_period(body) -> tuple[datetime | None, datetime | None]:
    """``(start, end)`` of the body's time frame; ``(None, None)`` when it has none.

    :raises TimeFrameError: naming the path of the element that cannot be understood.
    """
    frame = body.get("effective_time_frame") if isinstance(body, dict) else None
    if frame is None:
        return None, None
    if not isinstance(frame, dict):
        raise TimeFrameError(FRAME_PATH, "must be an object with date_time or time_interval")
    if "date_time" in frame:
        moment = parse_date_time(frame["date_time"], f"{FRAME_PATH}.date_time")
        return moment, moment
    if "time_interval" in frame:
        return interval_period(frame["time_interval"], f"{FRAME_PATH}.time_interval")
    raise TimeFrameError(FRAME_PATH, "has neither date_time nor time_interval")


def interval_period(interval, path: str) -> tuple[datetime, datetime]:
    if not isinstance(interval, dict):
        raise TimeFrameError(path, "must be an object")
    start = parse_date_time(interval["start_date_time"], f"{path}.start_date_time") \
        if "start_date_time" in interval else None
    end = parse_date_time(interval["end_date_time"], f"{path}.end_date_time") \
        if "end_date_time" in interval else None
    if start is None or end is None:
        if "duration" in interval:
            length = duration(interval["duration"], f"{path}.duration")
            try:
                if start is not None:
                    end = start + length
                elif end is not None:
                    start = end - length
            except OverflowError:
                raise TimeFrameError(f"{path}.duration", "puts the interval outside the supported years") from None
        elif "date" in interval:
            start = whole_day(interval["date"], f"{path}.date")
            end = start + timedelta(days=1)
    if start is None or end is None:
        raise TimeFrameError(path, "needs start_date_time and end_date_time, or one of them with a duration")
    if end < start:
        raise TimeFrameError(path, f"ends ({end.isoformat()}Z) before it starts ({start.isoformat()}Z)")
    return start, end


def parse_date_time(value, path: str) -> datetime:
    """An RFC 3339 date-time (with offset) as naive UTC."""
    if not isinstance(value, str):
        raise TimeFrameError(path, f"{value!r} is not a date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise TimeFrameError(path, f"{value!r} is not an RFC 3339 date-time") from None
    if moment.tzinfo is None:
        raise TimeFrameError(path, f"{value!r} has no time zone offset")
    try:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise TimeFrameError(path, f"{value!r} is outside the supported years") from None


def duration(value, path: str) -> timedelta:
    if not isinstance(value, dict) or "value" not in value or "unit" not in value:
        raise TimeFrameError(path, "must be an object with value and unit")
    amount, unit = value["value"], value["unit"]
    if unit not in UNIT_SECONDS:
        raise TimeFrameError(f"{path}.unit", f"{unit!r} is not one of {sorted(UNIT_SECONDS)}")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        raise TimeFrameError(f"{path}.value", f"{amount!r} is not a number")
    try:
        return timedelta(seconds=amount * UNIT_SECONDS[unit])
    except (OverflowError, ValueError):
        raise TimeFrameError(f"{path}.value", f"{amount!r} {unit} is too long a duration") from None


def whole_day(value, path: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    except (TypeError, ValueError):
        raise TimeFrameError(path, f"{value!r} is not a date (YYYY-MM-DD)") from None


def effective_issues(body, effective: list) -> list[Issue]:
    """Set ``effective[:] = [start, end]`` from the body's time frame, or return the issue
    explaining why not. A body without a time frame leaves ``effective`` as it was (the
    core's reading of the Observation's own ``effective[x]``)."""
    try:
        start, end = effective_period(body)
    except TimeFrameError as error:
        return [Issue(error.message, code="processing", path=error.path)]
    if start is not None:
        effective[:] = [start, end]
    return []
