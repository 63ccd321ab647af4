"""What each workload requests: paths built from a manifest (written by the loader, or
discovered from a running server through its API), and the page-50 links found by following
``next`` links from page 1."""

import random
from urllib.parse import quote, urlsplit

from bench.client import Connection
from bench.data import OMH_SYSTEM

FHIR = "/fhir/r5"
SEARCH_COUNT = 100
DEEP_PAGE = 50


def observation_search(patient: int, code: str, period: list[str], count: int = SEARCH_COUNT) -> str:
    return (f"{FHIR}/Observation?patient={patient}&code={quote(OMH_SYSTEM, safe=':/')}|{code}"
            f"&date=ge{period[0]}&date=lt{period[1]}&_count={count}")


def study_search(study: int, count: int = SEARCH_COUNT) -> str:
    return f"{FHIR}/Observation?patient._has:Group:member:_id={study}&_count={count}"


def relative(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def follow_to_page(connection: Connection, first: str, page: int) -> str | None:
    """The path of page ``page`` of a search, reached through its ``next`` links."""
    path = first
    for _ in range(page - 1):
        bundle = connection.get_json(path)
        link = next((l["url"] for l in bundle.get("link", []) if l["relation"] == "next"), None)
        if link is None:
            return None
        path = relative(link)
    return path


def build(manifest: dict, connection: Connection, rng: random.Random, quick: bool) -> dict:
    """``{workload: [paths]}`` for the GET workloads (empty lists are skipped)."""
    period = manifest["period"]
    searches = [tuple(pair) for pair in manifest.get("search", [])]
    rng.shuffle(searches)
    deep = [tuple(pair) for pair in manifest.get("deep", [])]
    page_one = [observation_search(patient, code, period) for patient, code in searches[:400] + deep]
    deep_first, deep_paths = [], []
    for patient, code in deep[:2 if quick else 8]:
        first = observation_search(patient, code, period)
        found = follow_to_page(connection, first, DEEP_PAGE)
        if found:
            deep_first.append(first)
            deep_paths.append(found)
    uploads = manifest.get("uploads", [])
    sample = rng.sample(uploads, min(len(uploads), 400))
    return {
        "read_by_id": [f"{FHIR}/Observation/{ident}" for ident in manifest.get("read_ids", [])],
        "search_page_1": page_one,
        # page 1 of the very searches page 50 is read from: "page 50 no slower than page 1"
        # compares like with like (these searches match 6,000 rows, the typical ones fewer).
        "search_page_1_deep": deep_first,
        "search_page_50": deep_paths,
        "study_search": [study_search(study) for study in manifest.get("studies", [])],
        "api_observations": [f"/api/v1/observations?organization_id={u['organization']}"
                             f"&study_id={u['studies'][0]}&patient_id={u['patient']}" for u in sample if u.get("studies")],
        "api_patients": ([f"/api/v1/patients?organization_id={org}" for org in manifest.get("organizations", [])]
                         + [f"/api/v1/patients?study_id={study}" for study in manifest.get("studies", [])]),
    }


def discover(connection: Connection, rng: random.Random, quick: bool) -> dict:
    """A manifest for a server this benchmark did not fill: patients and studies from /api/v1,
    data streams (patient, code, device) and ids from their stored Observations."""
    patients = connection.get_json("/api/v1/patients?limit=200")["results"]
    studies = connection.get_json("/api/v1/studies?limit=200")["results"]
    organizations = sorted({o["id"] for s in studies for o in [s.get("organization") or {}] if "id" in o})
    manifest = {"period": ["1900-01-01", "2100-01-01"], "search": [], "deep": [], "uploads": [], "read_ids": [],
                "studies": [s["id"] for s in studies], "organizations": organizations, "observations": None}
    enrolled = {}
    for study in studies[:50]:
        listing = connection.get_json(f"/api/v1/patients?study_id={study['id']}&limit=1000")["results"]
        for patient in listing:
            enrolled.setdefault(patient["id"], []).append(study)
    for patient in rng.sample(patients, min(len(patients), 20 if quick else 60)):
        bundle = connection.get_json(f"{FHIR}/Observation?patient={patient['id']}&_count=200&_sort=-date")
        streams = {}
        for entry in bundle.get("entry", []):
            resource = entry.get("resource", {})
            if resource.get("resourceType") != "Observation":
                continue
            manifest["read_ids"].append(int(resource["id"]))
            coding = resource["code"]["coding"][0]
            device = (resource.get("device") or {}).get("reference", "/").split("/")[-1]
            if coding.get("system") == OMH_SYSTEM:
                streams.setdefault(coding["code"], int(device) if device.isdigit() else None)
        for code in streams:
            total = connection.get_json(observation_search(patient["id"], code, manifest["period"], 0))["total"]
            target = manifest["deep"] if total > SEARCH_COUNT * DEEP_PAGE else manifest["search"]
            if total >= SEARCH_COUNT or target is manifest["deep"]:
                target.append([patient["id"], code])
        studies_of = enrolled.get(patient["id"], [])
        if streams and studies_of:
            organization = (studies_of[0].get("organization") or {}).get("id")
            manifest["uploads"].append({"patient": patient["id"], "organization": organization,
                                        "studies": [s["id"] for s in studies_of], "streams": streams})
    if manifest["studies"]:
        manifest["download_study"] = manifest["studies"][0]
    return manifest
