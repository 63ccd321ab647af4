"""The compiled validation engine (jsonschema-rs) must agree with the reference validator on
every case: the same verdict, and the same problems, for valid and spoilt data points of every
shipped schema and for headers."""

import copy

import pytest

pytest.importorskip("jsonschema_rs")

from jhe_plugins.omh.accelerator import AcceleratedValidator  # noqa: E402
from jhe_plugins.omh.catalog import HEADER_SCHEMA_ID, default_catalog  # noqa: E402
from jhe_plugins.omh.validators import FORMAT_CHECKER  # noqa: E402

from omh_datapoints import SCHEMA_IDS, data_point, dig, header, measure  # noqa: E402

DATE_TIMES = [
    "2024-05-02T08:30:00Z", "2024-05-02T08:30:00.123Z", "2024-05-02T08:30:00-04:00", "2024-05-02T08:30:00",
    "2024-05-02 08:30:00Z", "2024-13-02T08:30:00Z", "2024-02-30T08:30:00Z", "2024-05-02T24:00:00Z",
    "2024-05-02T23:59:60Z", "2024-05-02t08:30:00z", "2024-05-02T08:30:00+0200", "2024-05-02T08:30:00+24:00",
    "2024-05-02T08:30:00.123456789Z", "2024-05-02", "", "not a date", 20240502,
]
UUIDS = ["5b8a2c3e-2f7d-4d0e-9c2a-8d1f0b6e4a11", "5B8A2C3E-2F7D-4D0E-9C2A-8D1F0B6E4A11", "5b8a2c3e2f7d4d0e9c2a8d1f0b6e4a11",
         "5b8a2c3e-2f7d-4d0e-9c2a-8d1f0b6e4a1", "not-a-uuid", "", 42]


def body_cases(schema_id):
    """The valid body and spoilt variants: wrong types, units, missing and extra keys, time frames."""
    valid = data_point(schema_id)["body"]
    yield valid
    name = measure(schema_id)
    for change in ({"value": "high"}, {"unit": "bogus"}, {"value": -5}, {"value": None}, {"value": 1e308}):
        spoilt = copy.deepcopy(valid)
        dig(spoilt, name).update(change)
        yield spoilt
    spoilt = copy.deepcopy(valid)
    del dig(spoilt, name)["unit"]
    yield spoilt
    spoilt = copy.deepcopy(valid)
    spoilt.pop(name.split(".")[0])
    yield spoilt
    yield {**valid, "unexpected": {"a": 1}}
    yield {**valid, "effective_time_frame": {}}
    yield {**valid, "effective_time_frame": []}
    for text in DATE_TIMES:
        yield {**valid, "effective_time_frame": {"date_time": text}}
        yield {**valid, "effective_time_frame": {"time_interval": {"start_date_time": text,
                                                                    "duration": {"value": 5, "unit": "min"}}}}
        yield {**valid, "effective_time_frame": {"time_interval": {"start_date_time": "2024-05-02T08:30:00Z",
                                                                    "end_date_time": text}}}
    yield {**valid, "effective_time_frame": {"time_interval": {"duration": {"value": 5, "unit": "fortnights"},
                                                                "end_date_time": "2024-05-02T08:30:00Z"}}}
    yield []
    yield "a string"
    yield None


def header_cases():
    for schema_id in SCHEMA_IDS:
        yield header(schema_id)
    valid = header(SCHEMA_IDS[0])
    for text in DATE_TIMES:
        yield {**valid, "source_creation_date_time": text}
    for value in UUIDS:
        yield {**valid, "uuid": value}
    for key in valid:
        yield {k: v for k, v in valid.items() if k != key}
    yield {**valid, "modality": "guessed"}
    yield {**valid, "schema_id": {"namespace": "omh"}}
    yield {**valid, "schema_id": "omh:blood-glucose:4.0"}


def assert_agree(schema_id, instances):
    catalog = default_catalog()
    reference = catalog.validator(schema_id)
    reference = getattr(reference, "reference", reference)  # compare against the reference engine
    fast = AcceleratedValidator(catalog.schema(schema_id), catalog.registry, reference, FORMAT_CHECKER)
    checked = 0
    for instance in instances:
        expected = reference.problems(instance)
        assert fast.is_valid(instance) == (not expected), (schema_id, instance, expected)
        assert fast.problems(instance) == expected, (schema_id, instance)
        checked += 1
    return checked


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_engines_agree_on_bodies(schema_id):
    assert assert_agree(schema_id, body_cases(schema_id)) > 60


def test_engines_agree_on_headers():
    assert assert_agree(HEADER_SCHEMA_ID, header_cases()) > 40


def test_valid_and_invalid_cases_both_occur():
    """The corpus is not one-sided: it holds valid and invalid instances for every schema."""
    catalog = default_catalog()
    for schema_id in SCHEMA_IDS:
        reference = catalog.validator(schema_id)
        reference = getattr(reference, "reference", reference)
        verdicts = {not reference.problems(instance) for instance in body_cases(schema_id)}
        assert verdicts == {True, False}, schema_id
