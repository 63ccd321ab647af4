"""Effective start and end (naive UTC) from body.effective_time_frame."""

from datetime import datetime

import pytest

from jhe_plugins.omh.effective_time import TimeFrameError, effective_period
from jhe_plugins.omh.validation import validate_data_point

from omh_datapoints import data_point


def period(frame):
    return effective_period({"effective_time_frame": frame})


def interval(**fields):
    return {"time_interval": fields}


def test_date_time_is_an_instant_converted_to_utc():
    start, end = period({"date_time": "2024-05-02T08:30:00-04:00"})
    assert start == end == datetime(2024, 5, 2, 12, 30)
    assert start.tzinfo is None


def test_start_and_end():
    assert period(interval(start_date_time="2024-05-01T22:45:00+01:00", end_date_time="2024-05-02T06:15:30.5Z")) == (
        datetime(2024, 5, 1, 21, 45), datetime(2024, 5, 2, 6, 15, 30, 500000))


@pytest.mark.parametrize("value, unit, end", [
    (90, "min", datetime(2024, 1, 31, 1, 30)),
    (1.5, "h", datetime(2024, 1, 31, 1, 30)),
    (5400, "sec", datetime(2024, 1, 31, 1, 30)),
    (250, "ms", datetime(2024, 1, 31, 0, 0, 0, 250000)),
    (2, "d", datetime(2024, 2, 2)),
    (1, "wk", datetime(2024, 2, 7)),
    (1, "Mo", datetime(2024, 3, 1, 10, 29, 6)),  # the mean Gregorian month
    (1, "yr", datetime(2025, 1, 30, 5, 49, 12)),  # the mean Gregorian year
])
def test_start_plus_duration_in_every_unit(value, unit, end):
    start = datetime(2024, 1, 31)
    assert period(interval(start_date_time="2024-01-31T00:00:00Z", duration={"value": value, "unit": unit})) == (start, end)


def test_end_minus_duration():
    assert period(interval(end_date_time="2024-05-02T06:00:00Z", duration={"value": 8, "unit": "h"})) == (
        datetime(2024, 5, 1, 22), datetime(2024, 5, 2, 6))


def test_a_date_with_a_part_of_day_covers_that_day():
    assert period(interval(date="2024-05-02", part_of_day="morning")) == (datetime(2024, 5, 2), datetime(2024, 5, 3))


def test_no_time_frame_gives_no_period():
    assert effective_period({"rr_interval": {"value": 800, "unit": "ms"}}) == (None, None)


@pytest.mark.parametrize("frame, path, message", [
    (interval(start_date_time="2024-05-02T06:00:00Z", end_date_time="2024-05-01T22:00:00Z"),
     "body.effective_time_frame.time_interval", "ends (2024-05-01T22:00:00Z) before it starts (2024-05-02T06:00:00Z)"),
    (interval(start_date_time="2024-05-02T06:00:00Z", duration={"value": -1, "unit": "h"}),
     "body.effective_time_frame.time_interval", "ends (2024-05-02T05:00:00Z) before it starts (2024-05-02T06:00:00Z)"),
    (interval(start_date_time="2024-05-02T06:00:00Z", duration={"value": 1, "unit": "fortnight"}),
     "body.effective_time_frame.time_interval.duration.unit", "'fortnight' is not one of"),
    (interval(start_date_time="9999-12-31T23:00:00Z", duration={"value": 2, "unit": "d"}),
     "body.effective_time_frame.time_interval.duration", "puts the interval outside the supported years"),
    (interval(start_date_time="2024-05-02T06:00:00Z", duration={"value": 1e300, "unit": "yr"}),
     "body.effective_time_frame.time_interval.duration.value", "is too long a duration"),
    ({"date_time": "2024-05-02T06:00:00"}, "body.effective_time_frame.date_time", "has no time zone offset"),
    ({"date_time": "not a time"}, "body.effective_time_frame.date_time", "is not an RFC 3339 date-time"),
    ({"date_time": "0001-01-01T00:00:00+01:00"}, "body.effective_time_frame.date_time", "outside the supported years"),
    ({}, "body.effective_time_frame", "has neither date_time nor time_interval"),
    (interval(start_date_time="2024-05-02T06:00:00Z"), "body.effective_time_frame.time_interval",
     "needs start_date_time and end_date_time"),
])
def test_unusable_time_frames_name_the_element(frame, path, message):
    with pytest.raises(TimeFrameError) as caught:
        period(frame)
    assert caught.value.path == path and message in caught.value.message


def test_a_time_frame_the_schema_accepts_but_that_cannot_be_placed_is_an_issue():
    point = data_point("omh:heart-rate:2.0")
    point["body"]["effective_time_frame"] = {"date_time": "0001-01-01T00:00:00+01:00"}
    effective = [None, None]
    [issue] = validate_data_point(point, "omh:heart-rate:2.0", effective=effective)
    assert issue.path == "body.effective_time_frame.date_time" and issue.code == "processing"
    assert effective == [None, None]


def test_effective_period_is_set_on_the_given_list():
    effective = [None, None]
    assert validate_data_point(data_point("omh:step-count:3.0"), "omh:step-count:3.0", effective=effective) == []
    assert effective == [datetime(2024, 5, 2, 15), datetime(2024, 5, 2, 15, 45)]
