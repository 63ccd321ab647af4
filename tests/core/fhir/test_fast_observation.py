"""The Observation fast path may only confirm what fhir.resources accepts.

Every Observation below is altered in thousands of ways (each element removed, replaced by odd
values, extended, duplicated; then two alterations at once); whenever the fast path confirms an
altered resource, fhir.resources must accept it too. What the fast path does not confirm goes to
fhir.resources in ingest, so answers cannot differ.
"""

import base64
import copy
import json
import random

import pydantic
import pytest
from fhir.resources.observation import Observation

from jhe_core.fhir import fast_observation

pytestmark = pytest.mark.skipif(fast_observation._validator is None, reason="jsonschema-rs not installed")

POINT = {"header": {"uuid": "4d4f7b1c-5a0e-4f8e-9f4c-1b2a3c4d5e6f"},
         "body": {"heart_rate": {"value": 61, "unit": "beats/min"},
                  "effective_time_frame": {"date_time": "2025-03-01T08:00:00-05:00"}}}
DATA = base64.b64encode(json.dumps(POINT).encode()).decode()

UPLOAD = {  # what the mobile app and the benchmark upload
    "resourceType": "Observation",
    "identifier": [{"system": "https://ietf.org/rfc/rfc4122", "value": "4d4f7b1c-5a0e-4f8e-9f4c-1b2a3c4d5e6f"}],
    "status": "final",
    "code": {"coding": [{"system": "https://w3id.org/openmhealth", "code": "omh:heart-rate:2.0"}]},
    "subject": {"reference": "Patient/40001"},
    "device": {"reference": "Device/70001"},
    "valueAttachment": {"contentType": "application/json", "data": DATA},
}
FULL = {  # every element the fast path knows
    "resourceType": "Observation",
    "id": "123",
    "meta": {"versionId": "2", "lastUpdated": "2025-03-01T13:00:00.123Z", "source": "urn:app:jhe",
             "profile": ["http://example.org/StructureDefinition/omh"]},
    "identifier": [{"use": "official", "system": "https://ietf.org/rfc/rfc4122", "value": "a b"}],
    "status": "amended",
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                              "code": "vital-signs", "display": "Vital Signs", "version": "5.0"}],
                  "text": "Vital signs"}],
    "code": {"coding": [{"system": "https://w3id.org/openmhealth", "code": "omh:heart-rate:2.0"}], "text": "Heart rate"},
    "subject": {"reference": "Patient/40001", "display": "A. Patient"},
    "device": {"reference": "Device/70001"},
    "effectivePeriod": {"start": "2025-03-01T08:00:00-05:00", "end": "2025-03-01T09:00:00+14:00"},
    "issued": "2025-03-01T13:00:00Z",
    "valueAttachment": {"contentType": "application/json", "data": DATA},
}
WITH_DATE_TIME = {**UPLOAD, "effectiveDateTime": "2024-12-31T23:59:59.999999-12:00"}
BASES = [UPLOAD, FULL, WITH_DATE_TIME]

DATE_TIMES = [
    "2025-02-28T10:00:00Z", "2025-02-29T10:00:00Z", "2024-02-29T10:00:00Z", "2025-04-31T10:00:00Z",
    "2025-04-30T10:00:00Z", "2025-12-31T10:00:00Z", "2025-13-01T10:00:00Z", "2025-00-10T10:00:00Z",
    "2025-01-00T10:00:00Z", "2025-01-32T10:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T23:60:00Z",
    "2016-12-31T23:59:60Z", "2025-01-01T10:00:00+14:00", "2025-01-01T10:00:00+14:01",
    "2025-01-01T10:00:00-12:00", "2025-01-01T10:00:00-14:00", "2025-01-01T10:00:00+13:59",
    "2025-01-01T10:00:00+24:00", "2025-01-01T10:00:00", "2025-01-01", "2025-01", "2025",
    "2025-01-01T10:00Z", "2025-01-01T10:00:00.1234567Z", "2025-01-01T10:00:00.Z", "1899-12-31T10:00:00Z",
    "1900-01-01T00:00:00Z", "2099-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
    "2025-01-01t10:00:00z", "2025-01-01 10:00:00Z", "2025-1-1T10:00:00Z", "20250101T100000Z",
    "2025-01-01T10:00:00+0100", "2025-01-01T10:00:00+01", "٢٠٢٥-01-01T10:00:00Z", "2025-01-01T10:00:00Z ",
]
ODD = [None, "", " ", "x", "a b", "a  b", " a", "a ", "\t", "a\nb", "ä", "a\u00a0", "\u00a0", "Z", "\x00", "a\x7f",
       0, 1, -1, 1.5, True, False, [], {}, [None], [{}], ["x"], {"x": 1}, {"extension": []}, "x" * 5000,
       "final", "Patient/1", "http://x", "urn:uuid:0f", "QUJD", "QUI=", "QQ==", "QQ=", "Q", "ab/+", "@@@@",
       "a-b.c", "A" * 65, "A" * 64] + DATE_TIMES


def reference_accepts(resource) -> bool:
    try:
        Observation.model_validate(copy.deepcopy(resource))
        return True
    except (pydantic.ValidationError, ValueError, TypeError):
        return False


def paths(value, prefix=()):
    """Every (path, value) inside a JSON document."""
    yield prefix, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


def replaced(document, path, new):
    copied = copy.deepcopy(document)
    *parents, last = path
    target = copied
    for part in parents:
        target = target[part]
    target[last] = new
    return copied


def removed(document, path):
    copied = copy.deepcopy(document)
    *parents, last = path
    target = copied
    for part in parents:
        target = target[part]
    del target[last]
    return copied


def alterations(document):
    """Altered copies of ``document``: removals, odd values, unknown and FHIR keys, duplicates."""
    for path, value in paths(document):
        if not path:
            continue
        yield removed(document, path)
        for odd in ODD:
            yield replaced(document, path, odd)
        if isinstance(value, dict):
            for key in ("extension", "id", "_value", "unknown", "fhir_comments", "url"):
                yield replaced(document, path, {**value, key: [{"url": "http://x", "valueString": "y"}]})
                yield replaced(document, path, {**value, key: "x"})
        if isinstance(value, list):
            yield replaced(document, path, value + value)
            yield replaced(document, path, value + [None])
        if isinstance(value, str):
            yield replaced(document, path, [value])
            yield replaced(document, path, {"value": value})
    for key in ("effectiveDateTime", "effectivePeriod", "effectiveInstant", "effectiveTiming", "valueString",
                "valueQuantity", "_status", "_issued", "extension", "contained", "note", "component", "text"):
        for odd in (DATE_TIMES[0], {"start": DATE_TIMES[0]}, "x", {"extension": [{"url": "http://x"}]}, [], None):
            yield {**document, key: odd}


@pytest.mark.parametrize("base", BASES, ids=["upload", "full", "date_time"])
def test_the_common_shapes_take_the_fast_path(base):
    assert fast_observation.confirms(base)
    assert reference_accepts(base)


@pytest.mark.parametrize("base", BASES, ids=["upload", "full", "date_time"])
def test_whatever_the_fast_path_confirms_the_reference_accepts(base):
    confirmed = referred = 0
    for altered in alterations(base):
        if fast_observation.confirms(altered):
            confirmed += 1
            assert reference_accepts(altered), json.dumps(altered)[:2000]
        else:
            referred += 1
    # both outcomes are exercised: harmless alterations stay fast, the rest go to the reference
    assert confirmed > 50 and referred > 500, (confirmed, referred)


def random_alteration(document, rng):
    """One alteration of ``document`` at a random place (cheaper than listing them all)."""
    path, value = rng.choice([(path, value) for path, value in paths(document) if path])
    kind = rng.random()
    if kind < 0.15:
        return removed(document, path)
    if kind < 0.3 and isinstance(value, dict):
        return replaced(document, path, {**value, rng.choice(["extension", "id", "unknown"]): rng.choice(ODD)})
    if kind < 0.4 and isinstance(value, list):
        return replaced(document, path, value + rng.choice([value, [None], [{}]]))
    return replaced(document, path, rng.choice(ODD))


def test_two_alterations_at_once():
    rng = random.Random(20261121)
    confirmed = 0
    for _ in range(3000):
        altered = random_alteration(rng.choice(BASES), rng)
        if not isinstance(altered, dict) or not any(path for path, _ in paths(altered)):
            continue
        altered = random_alteration(altered, rng)
        if fast_observation.confirms(altered):
            confirmed += 1
            assert reference_accepts(altered), json.dumps(altered)[:2000]
    assert confirmed > 20


def test_the_fast_path_never_rejects_on_its_own():
    """An Observation the fast path does not confirm is not therefore invalid: the reference
    accepts many of them (29 February, a leap second, elements the fast path does not know)."""
    others = [{**UPLOAD, "effectiveDateTime": "2024-02-29T10:00:00Z"},
              {**UPLOAD, "effectiveDateTime": "2016-12-31T23:59:60Z"},
              {**UPLOAD, "note": [{"text": "felt fine"}]},
              {**UPLOAD, "valueAttachment": {"contentType": "application/json", "data": DATA, "title": "t"}}]
    for resource in others:
        assert not fast_observation.confirms(resource)
        assert reference_accepts(resource)


def test_values_that_are_not_json_go_to_the_reference():
    """Values that are not JSON (a caller's mistake) make the engine raise; the fast path then
    gives no verdict and fhir.resources answers as it did before (a datetime passes its
    dateTime check)."""
    import datetime
    with_datetime = {**UPLOAD, "effectiveDateTime": datetime.datetime(2025, 3, 1, 8, tzinfo=datetime.timezone.utc)}
    assert not fast_observation.confirms(with_datetime)
    assert reference_accepts(with_datetime)
    with_bytes = {**UPLOAD, "status": b"final"}
    assert not fast_observation.confirms(with_bytes)
