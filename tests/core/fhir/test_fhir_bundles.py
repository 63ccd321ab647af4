"""Batch and transaction Bundles at the FHIR base."""

import json

import pytest

from jhe_core import models as m
from jhe_core.testing import make_test_app
from fhir_helpers import bundle, issue_codes, observation

MAX_ENTRIES = 120


@pytest.fixture(scope="module")
def app():
    return make_test_app(config={"fhir": {"max_bundle_entries": MAX_ENTRIES}})


def post_bundle(client, headers, body, path="/fhir/r5", **extra):
    return client.simulate_post(path, headers={**headers, "Content-Type": "application/fhir+json", **extra},
                                body=json.dumps(body))


def count():
    return m.Observation.select().count()


def test_batch_reports_each_entry_and_stores_the_good_ones(client, headers):
    resources = [observation(), observation(patient=99999), observation(identifier="batch-dup"),
                 observation(identifier="batch-dup"), {**observation(), "status": "bogus"}, observation()]
    before = count()
    response = post_bundle(client, headers["manager"], bundle("batch", resources))
    assert response.status_code == 200, response.text
    body = response.json
    assert body["resourceType"] == "Bundle" and body["type"] == "batch-response"
    statuses = [entry["response"]["status"] for entry in body["entry"]]
    assert statuses == ["201 Created", "404 Not Found", "201 Created", "409 Conflict", "400 Bad Request", "201 Created"]
    assert count() == before + 3
    created = body["entry"][0]["response"]
    assert created["location"].startswith("Observation/") and created["etag"] == 'W/"1"'
    failed = body["entry"][1]["response"]["outcome"]
    assert issue_codes(failed) == ["not-found"]
    assert failed["issue"][0]["expression"][0].startswith("Bundle.entry[1].resource")


def test_batch_entries_other_than_observation_create_fail_alone(client, headers):
    body = bundle("batch", [observation()])
    body["entry"].append({"request": {"method": "DELETE", "url": "Observation/1"}})
    response = post_bundle(client, headers["manager"], body)
    assert [e["response"]["status"] for e in response.json["entry"]] == ["201 Created", "405 Method Not Allowed"]


def test_transaction_is_all_or_nothing(client, headers):
    before = count()
    resources = [observation() for _ in range(5)] + [observation(patient=10001, device=70002)]
    response = post_bundle(client, headers["manager"], bundle("transaction", resources))
    assert response.status_code == 403
    assert issue_codes(response.json) == ["forbidden"]
    assert response.json["issue"][0]["expression"][0].startswith("Bundle.entry[5]")
    assert count() == before  # nothing stored

    ok = post_bundle(client, headers["manager"], bundle("transaction", [observation() for _ in range(5)]),
                     path="/FHIR/R5/")  # the trailing slash form the guides use
    assert ok.status_code == 200 and ok.json["type"] == "transaction-response"
    assert [e["response"]["status"] for e in ok.json["entry"]] == ["201 Created"] * 5
    assert count() == before + 5


def test_transaction_duplicates_inside_the_bundle_roll_back(client, headers):
    before = count()
    response = post_bundle(client, headers["manager"],
                           bundle("transaction", [observation(identifier="tx-dup"), observation(identifier="tx-dup")]))
    assert response.status_code == 409 and count() == before


def test_if_none_exist_in_entries_makes_retries_idempotent(client, headers):
    resources = [observation(identifier=f"retry-{i}") for i in range(3)]
    body = {"resourceType": "Bundle", "type": "batch", "entry": [
        {"resource": r, "request": {"method": "POST", "url": "Observation",
                                    "ifNoneExist": f"identifier=urn:jhe-test|{r['identifier'][0]['value']}"}}
        for r in resources]}
    first = post_bundle(client, headers["patient"], body)
    again = post_bundle(client, headers["patient"], body, Prefer="return=representation")
    assert [e["response"]["status"] for e in first.json["entry"]] == ["201 Created"] * 3
    assert [e["response"]["status"] for e in again.json["entry"]] == ["200 OK"] * 3
    assert [e["response"]["location"] for e in again.json["entry"]] == [e["response"]["location"] for e in first.json["entry"]]
    assert again.json["entry"][0]["resource"]["resourceType"] == "Observation"


def test_bundle_size_limit_and_shape(client, headers):
    too_big = post_bundle(client, headers["manager"], bundle("batch", [observation() for _ in range(MAX_ENTRIES + 1)]))
    assert too_big.status_code == 413 and issue_codes(too_big.json) == ["too-costly"]
    assert post_bundle(client, headers["manager"], {"resourceType": "Bundle", "type": "collection"}).status_code == 400
    assert post_bundle(client, headers["manager"], observation()).status_code == 400
    assert post_bundle(client, headers["manager"], {"resourceType": "Bundle", "type": "batch", "entry": {}}).status_code == 400
    empty = post_bundle(client, headers["manager"], {"resourceType": "Bundle", "type": "batch"})
    assert empty.status_code == 200 and empty.json["entry"] == []


def test_a_bundle_of_100_is_stored_in_one_request(client, headers):
    before = count()
    response = post_bundle(client, headers["patient"], bundle("batch", [observation() for _ in range(100)]))
    assert response.status_code == 200
    assert all(e["response"]["status"] == "201 Created" for e in response.json["entry"])
    assert count() == before + 100


def test_bundles_need_authentication_and_post(client):
    assert client.simulate_post("/fhir/r5", json=bundle("batch", [])).status_code == 401
    assert client.simulate_get("/fhir/r5").status_code in (401, 405)
