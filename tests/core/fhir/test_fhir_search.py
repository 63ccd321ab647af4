"""Observation and Patient search: every parameter, keyset paging through links, totals,
visibility, unknown parameters, POST _search."""

import base64
import datetime
import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from jhe_core.testing import make_test_app
from fhir_helpers import BLOOD_GLUCOSE, HEART_RATE, OMH, bundle, effective, link, matches, observation

START = datetime.datetime(2024, 3, 1)
PAGED = 250
MAX_COUNT = 200
DEMO = 3  # the demo data holds 3 heart-rate observations of 10003 and 3 blood glucose of 10001


def when(i):  # two observations share each hour, so paging must break ties by id
    return (START + datetime.timedelta(hours=i // 2)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def app():
    return make_test_app(config={"fhir": {"max_count": MAX_COUNT}})


@pytest.fixture(scope="module", autouse=True)
def stored(client, headers):
    """250 heart-rate observations of patient 10003 and a few blood glucose ones of 10001."""
    resources = [observation(patient=10003, code=HEART_RATE, device=70003, when=when(i), identifier=f"hr-{i}")
                 for i in range(PAGED)]
    for start in range(0, PAGED, 100):
        response = client.simulate_post("/fhir/r5", headers=headers["superuser"],
                                        json=bundle("transaction", resources[start:start + 100]))
        assert response.status_code == 200, response.text
    glucose = [observation(patient=10001, when=f"2024-04-0{day}T09:00:00Z", identifier=f"bg-{day}") for day in (1, 2, 3)]
    response = client.simulate_post("/fhir/r5", headers=headers["patient"], json=bundle("transaction", glucose))
    assert response.status_code == 200, response.text


def search(client, headers, params, role="superuser", type_name="Observation", prefix="/fhir/r5", **kw):
    response = client.simulate_get(f"{prefix}/{type_name}", headers={**headers[role], **kw.pop("extra", {})},
                                   params=params, **kw)
    assert response.status_code == 200, response.text
    return response.json


def follow(client, headers, url, role="superuser"):
    parts = urlsplit(url)
    response = client.simulate_get(parts.path, query_string=parts.query, headers=headers[role])
    assert response.status_code == 200, response.text
    return response.json


def ids(body):
    return [int(resource["id"]) for resource in matches(body)]


def test_paging_250_observations_by_20_has_no_gaps_or_duplicates(client, headers):
    body = search(client, headers, {"patient": "10003", "code": f"{OMH}|{HEART_RATE}", "_count": "20"})
    pages = [body]
    while link(body, "next"):
        body = follow(client, headers, link(body, "next"))
        pages.append(body)
    assert len(pages) == 13 and all(page["total"] == PAGED + DEMO for page in pages)
    seen = [i for page in pages for i in ids(page)]
    assert len(seen) == PAGED + DEMO and len(set(seen)) == PAGED + DEMO
    times = [(effective(resource), int(resource["id"])) for page in pages for resource in matches(page)]
    assert times == sorted(times)
    # and back again through the previous links
    back = [ids(pages[-1])]
    while link(body, "previous"):
        body = follow(client, headers, link(body, "previous"))
        back.append(ids(body))
    assert back[::-1] == [ids(page) for page in pages]


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_pages_read_in_index_order_match_pages_sorted_by_id_first(client, headers, sort):
    """One patient (and one code) is read straight from the index in order; two codes take the
    general path (ids sorted first, then the documents). Patient 10003 has heart rate only, so
    all three searches must page through the same rows in the same order."""
    def all_pages(params):
        body = search(client, headers, {**params, "_count": "30", "_sort": sort})
        seen = ids(body)
        while link(body, "next"):
            body = follow(client, headers, link(body, "next"))
            seen += ids(body)
        return seen
    general = all_pages({"patient": "10003", "code": f"{OMH}|{HEART_RATE},{OMH}|{BLOOD_GLUCOSE}"})
    assert len(general) == PAGED + DEMO
    assert all_pages({"patient": "10003", "code": f"{OMH}|{HEART_RATE}"}) == general
    assert all_pages({"patient": "10003"}) == general


def test_links_are_absolute_use_the_request_base_and_repeat_every_parameter(client, headers):
    body = search(client, headers, {"patient": "Patient/10003", "_count": "5", "unknownThing": "x"},
                  prefix="/FHIR/R5", protocol="https", host="jhe.example.org")
    for relation in ("self", "next"):
        url = link(body, relation)
        assert url.startswith("https://jhe.example.org/FHIR/R5/Observation?")
        query = dict(parse_qsl(urlsplit(url).query))
        assert query["patient"] == "Patient/10003" and query["_count"] == "5" and query["unknownThing"] == "x"
    assert "_cursor" in dict(parse_qsl(urlsplit(link(body, "next")).query))


def test_sorting(client, headers):
    newest = search(client, headers, {"patient": "10003", "_sort": "-date", "_count": "4", "date": "lt2024-04"})
    times = [(effective(r), int(r["id"])) for r in matches(newest)]
    assert times == sorted(times, reverse=True) and times[0][0] == when(PAGED - 1)
    second = follow(client, headers, link(newest, "next"))
    assert [(effective(r), int(r["id"])) for r in matches(second)] < times
    by_id = search(client, headers, {"patient": "10003", "_sort": "_id", "_count": "150"})
    all_ids = ids(by_id) + ids(follow(client, headers, link(by_id, "next")))
    assert all_ids == sorted(all_ids) and len(set(all_ids)) == PAGED + DEMO
    by_update = search(client, headers, {"patient": "10003", "_sort": "-_lastUpdated", "_count": "3"})
    assert len(ids(by_update)) == 3 and link(by_update, "next")
    assert client.simulate_get("/fhir/r5/Observation", params={"_sort": "status"}, headers=headers["superuser"]).status_code == 400


@pytest.mark.parametrize("params, expected", [
    ({"patient": "10003"}, PAGED + DEMO),
    ({"patient": "Patient/10003,10001"}, PAGED + DEMO + 3 + DEMO),
    ({"subject": "Patient/10001"}, 3 + DEMO),
    ({"subject:Patient": "10001"}, 3 + DEMO),
    ({"code": f"{OMH}|{BLOOD_GLUCOSE}", "patient": "10001"}, 3 + DEMO),
    ({"code": BLOOD_GLUCOSE, "patient": "10001"}, 3 + DEMO),
    ({"code": f"|{BLOOD_GLUCOSE}"}, 0),
    ({"code": f"{OMH}|{HEART_RATE},{OMH}|{BLOOD_GLUCOSE}", "patient": "10001,10003"}, PAGED + 3 + 2 * DEMO),
    ({"patient": "10003", "date": "2024-03-01"}, 48),
    ({"patient": "10003", "date": "eq2024-03-01T05:00:00Z"}, 2),
    ({"patient": "10003", "date": "ge2024-03-06"}, PAGED - 240 + DEMO),
    ({"patient": "10003", "date": "gt2024-03-05"}, PAGED - 240 + DEMO),
    ({"patient": "10003", "date": "sa2024-03-05"}, PAGED - 240 + DEMO),
    ({"patient": "10003", "date": "lt2024-03-02"}, 48),
    ({"patient": "10003", "date": "le2024-03-01"}, 48),
    ({"patient": "10003", "date": "eb2024-03-02"}, 48),
    ({"patient": "10003", "date": "ne2024-03-01"}, PAGED - 48 + DEMO),
    ({"patient": "10003", "date": ["ge2024-03-02", "lt2024-03-03"]}, 48),
    ({"patient": "10003", "date": "2024-03-01,2024-03-03"}, 96),
    ({"patient": "10003", "date": "ap2024-03-03"}, PAGED + DEMO),  # +-10% of the distance from now
    ({"patient": "10003", "date": "2024-03"}, PAGED),
    ({"patient": "10003", "_lastUpdated": "ge2000-01-01"}, PAGED + DEMO),
    ({"patient": "10003", "_lastUpdated": "lt2000-01-01"}, 0),
    ({"identifier": "urn:jhe-test|hr-7"}, 1),
    ({"identifier": "hr-7,hr-8"}, 2),
    ({"identifier": "|hr-7"}, 0),
    ({"device": "Device/70003"}, PAGED + DEMO),
    ({"device": "70001"}, 3 + DEMO),
    ({"patient._has:Group:member:_id": "10001", "patient": "10001"}, 3 + DEMO),
    ({"patient._has:Group:member:_id": "10003"}, PAGED + DEMO),  # it enrolls 10003, requests heart rate
    ({"patient._has:Group:member:_id": "10001", "code": HEART_RATE}, 0),
    ({"patient": "nonsense"}, 0),
])
def test_observation_search_parameters(client, headers, params, expected):
    body = search(client, headers, {**params, "_count": "0"} if "_count" not in params else params)
    assert body["total"] == expected, body
    assert body["entry"] == []


def test_id_search_and_demo_observations(client, headers):
    demo = search(client, headers, {"identifier": "https://jhe.example.org/demo-observations|"
                                                  "00000000-0000-4000-8000-010001000001"})
    assert demo["total"] == 1
    wanted = ids(demo)[0]
    assert ids(search(client, headers, {"_id": str(wanted)})) == [wanted]
    assert search(client, headers, {"patient": "10001,10003", "identifier":
                                    "https://jhe.example.org/demo-observations|00000000-0000-4000-8000-010003000002"})["total"] == 1


def test_count_zero_count_limits_and_bad_values(client, headers):
    only_total = search(client, headers, {"patient": "10003", "_count": "0"})
    assert only_total["total"] == PAGED + DEMO and only_total["entry"] == [] and not link(only_total, "next")
    assert search(client, headers, {"patient": "10003", "_summary": "count"})["entry"] == []
    capped = search(client, headers, {"patient": "10003", "_count": "1000"})
    assert len(matches(capped)) == MAX_COUNT
    default = search(client, headers, {"patient": "10003"})
    assert len(matches(default)) == 20
    for params in ({"_count": "-1"}, {"_count": "many"}, {"date": "yesterday"}, {"_cursor": "garbage"},
                   {"_format": "xml"}):
        response = client.simulate_get("/fhir/r5/Observation", params=params, headers=headers["superuser"])
        assert response.status_code == 400, params
        assert response.json["resourceType"] == "OperationOutcome"


def test_cursor_from_another_sort_is_refused(client, headers):
    body = search(client, headers, {"patient": "10003", "_count": "2"})
    cursor = dict(parse_qsl(urlsplit(link(body, "next")).query))["_cursor"]
    response = client.simulate_get("/fhir/r5/Observation", headers=headers["superuser"],
                                   params={"patient": "10003", "_sort": "_id", "_cursor": cursor})
    assert response.status_code == 400


def test_later_pages_report_the_total_counted_for_the_first(client, headers):
    first = search(client, headers, {"patient": "10003", "_count": "5"})
    cursor = dict(parse_qsl(urlsplit(link(first, "next")).query))["_cursor"]
    second = search(client, headers, {"patient": "10003", "_count": "5", "_cursor": cursor})
    assert first["total"] == second["total"] == PAGED + DEMO
    assert dict(parse_qsl(urlsplit(link(second, "previous")).query))["_cursor"]
    key, row_id, forward, total = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert total == PAGED + DEMO

    def page_with(*carried):
        raw = json.dumps([key, row_id, forward, *carried]).encode()
        made = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return search(client, headers, {"patient": "10003", "_count": "5", "_cursor": made})

    # the carried total is reported as is (rows stored since the first page are not recounted)...
    assert page_with(7)["total"] == 7
    # ...and a cursor without a usable one counts afresh
    for carried in ((), (-1,), ("12",), (1.5,), (True,), (3, 4)):
        page = page_with(*carried)
        assert page["total"] == PAGED + DEMO and ids(page) == ids(second), carried


def test_unknown_parameters_are_listed_or_refused_when_strict(client, headers):
    body = search(client, headers, {"patient": "10001", "color": "blue", "code:text": "glucose"})
    outcomes = [entry for entry in body["entry"] if entry["search"]["mode"] == "outcome"]
    assert len(outcomes) == 1
    text = json.dumps(outcomes[0]["resource"])
    assert outcomes[0]["resource"]["issue"][0]["severity"] == "information" and "color" in text and "code:text" in text
    assert body["total"] == 3 + DEMO
    strict = client.simulate_get("/fhir/r5/Observation", params={"color": "blue"},
                                 headers={**headers["superuser"], "Prefer": "handling=strict"})
    assert strict.status_code == 400 and "color" in strict.text


def test_post_search_with_a_form_body(client, headers):
    response = client.simulate_post("/FHIR/R5/Observation/_search", headers={
        **headers["superuser"], "Content-Type": "application/x-www-form-urlencoded"},
        body=f"patient=10003&code={OMH}|{HEART_RATE}&_count=7")
    assert response.status_code == 200 and response.json["total"] == PAGED + DEMO and len(matches(response.json)) == 7
    assert link(response.json, "next").startswith("http://falconframework.org/FHIR/R5/Observation?")
    as_json = client.simulate_post("/fhir/r5/Observation/_search", headers=headers["superuser"], json={"patient": "1"})
    assert as_json.status_code == 415


@pytest.mark.parametrize("role, patient, visible", [
    ("patient", "10001", 3 + DEMO), ("patient", "10003", 0), ("other_patient", "10001", 0),
    ("manager", "10003", PAGED + DEMO), ("viewer", "10001", 3 + DEMO), ("other_manager", "10001", 0),
    ("other_manager", "10003", PAGED + DEMO),
])
def test_search_results_are_limited_to_what_the_caller_may_see(client, headers, role, patient, visible):
    assert search(client, headers, {"patient": patient, "_count": "0"}, role=role)["total"] == visible


@pytest.mark.parametrize("role", ["patient", "other_patient", "manager", "viewer", "other_manager"])
def test_visibility_checked_row_by_row_and_by_list_agree(client, headers, role):
    """Searches naming patients or ids check visibility per row; broader ones against the
    visible patients' list; a read has its own query. All must give the same answer."""
    per_patient = sum(search(client, headers, {"patient": p, "_count": "0"}, role=role)["total"]
                      for p in ("10001", "10002", "10003"))
    broad = search(client, headers, {"_count": "0"}, role=role)["total"]
    assert broad == per_patient
    some = ids(search(client, headers, {"_count": "5", "_sort": "_id"}, role="superuser"))
    by_id = search(client, headers, {"_id": ",".join(map(str, some)), "_count": "0"}, role=role)["total"]
    readable = [client.simulate_get(f"/fhir/r5/Observation/{i}", headers=headers[role]).status_code
                for i in some]
    assert by_id == readable.count(200) and set(readable) <= {200, 404}


def test_a_patient_without_criteria_sees_only_their_own(client, headers):
    body = search(client, headers, {"_count": "100"}, role="patient")
    assert {resource["subject"]["reference"] for resource in matches(body)} == {"Patient/10001"}


def test_read_is_limited_like_search(client, headers):
    own = search(client, headers, {"patient": "10001", "_count": "1"}, role="patient")
    observation_id = ids(own)[0]
    assert client.simulate_get(f"/fhir/r5/Observation/{observation_id}", headers=headers["patient"]).status_code == 200
    hidden = client.simulate_get(f"/fhir/r5/Observation/{observation_id}", headers=headers["other_manager"])
    assert hidden.status_code == 404 and hidden.json["issue"][0]["code"] == "not-found"
    vread = client.simulate_get(f"/FHIR/R5/Observation/{observation_id}/_history/1", headers=headers["patient"])
    assert vread.status_code == 200 and vread.headers["etag"] == 'W/"1"'
    assert client.simulate_get(f"/FHIR/R5/Observation/{observation_id}/_history/2",
                               headers=headers["patient"]).status_code == 404


# ---------------------------------------------------------------- Patient


@pytest.mark.parametrize("params, expected", [
    ({}, [10001, 10002, 10003]),
    ({"_id": "10002"}, [10002]),
    ({"_id": "10001,10003"}, [10001, 10003]),
    ({"identifier": "MRN-12345"}, [10001]),
    ({"identifier": "http://falconframework.org|MRN-12346"}, [10002]),
    ({"identifier": "urn:other|MRN-12346"}, []),
    ({"name": "smi"}, [10001]),
    ({"name": "wei"}, [10003]),
    ({"name:exact": "Smi"}, []),
    ({"name:contains": "ar"}, [10002]),
    ({"family": "Garcia"}, [10002]),
    ({"given": "john,maria"}, [10001, 10002]),
    ({"birthdate": "1980-01-01"}, [10001]),
    ({"birthdate": "ge1980"}, [10001, 10003]),
    ({"birthdate": "lt1980-01-01"}, [10002]),
    ({"email": "WEI.CHEN@example.com"}, [10003]),
    ({"_has:Group:member:_id": "10001"}, [10001, 10002]),
    ({"patient._has:Group:member:_id": "10003"}, [10003]),
])
def test_patient_search_parameters(client, headers, params, expected):
    body = search(client, headers, params, role="manager", type_name="Patient")
    assert ids(body) == expected and body["total"] == len(expected)


def test_patient_search_visibility_and_paging(client, headers):
    assert ids(search(client, headers, {}, role="patient", type_name="Patient")) == [10001]
    assert ids(search(client, headers, {}, role="other_manager", type_name="Patient")) == [10003]
    body = search(client, headers, {"_count": "1"}, role="manager", type_name="Patient")
    seen = ids(body)
    while link(body, "next"):
        body = follow(client, headers, link(body, "next"), role="manager")
        seen += ids(body)
    assert seen == [10001, 10002, 10003]
    patient = matches(search(client, headers, {"_id": "10001"}, role="manager", type_name="Patient"))[0]
    assert patient["name"] == [{"family": "Smith", "given": ["John"]}] and patient["birthDate"] == "1980-01-01"
    assert {"system": "email", "value": "john.smith@example.com"} in patient["telecom"]
    assert patient["identifier"][0]["value"] == "MRN-12345"


def test_patient_read(client, headers):
    response = client.simulate_get("/FHIR/R5/Patient/10003", headers=headers["other_manager"])
    assert response.status_code == 200 and response.json["id"] == "10003"
    for role, patient_id in (("other_manager", "10001"), ("patient", "10002"), ("manager", "99999"), ("manager", "x")):
        hidden = client.simulate_get(f"/fhir/r5/Patient/{patient_id}", headers=headers[role])
        assert hidden.status_code == 404 and hidden.json["resourceType"] == "OperationOutcome"
    assert client.simulate_post("/fhir/r5/Patient", headers=headers["manager"], json={}).status_code == 405
