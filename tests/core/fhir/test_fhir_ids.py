"""Ids beyond what the database stores name nothing: 404 or an empty search, never a 500."""

import pytest

from fhir_helpers import issue_codes, observation

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("path", [f"/fhir/r5/Observation/{HUGE}", f"/FHIR/R5/Patient/{HUGE}"])
def test_read_with_out_of_range_id_is_not_found(client, headers, path):
    answer = client.simulate_get(path, headers=headers["manager"])
    assert answer.status_code == 404 and issue_codes(answer.json) == ["not-found"]


@pytest.mark.parametrize("query", [
    f"Observation?patient={HUGE}", f"Observation?_id={HUGE}", f"Observation?device={HUGE}",
    f"Observation?patient._has:Group:member:_id={HUGE}", f"Patient?_id={HUGE}",
    f"Patient?_has:Group:member:_id={HUGE}",
])
def test_search_with_out_of_range_id_matches_nothing(client, headers, query):
    answer = client.simulate_get(f"/fhir/r5/{query}", headers=headers["manager"])
    assert answer.status_code == 200 and answer.json["total"] == 0


@pytest.mark.parametrize("field", ["subject", "device"])
def test_upload_referencing_out_of_range_id_is_not_found(client, headers, field):
    resource = observation()
    resource[field] = {"reference": f"{'Patient' if field == 'subject' else 'Device'}/{HUGE}"}
    answer = client.simulate_post("/fhir/r5/Observation", json=resource, headers=headers["manager"])
    assert answer.status_code == 404 and issue_codes(answer.json) == ["not-found"]
