"""Helpers for the console's browser tests: Chromium settings, screenshots, logging in through
the server's own login form, the extra demo data the flows need, and common locators."""

import base64
import datetime
import json
import re
import shutil
import uuid
from pathlib import Path

from jhe_core.auth.tokens import actor_for_token
from jhe_core.seed import DEMO_PASSWORD
from jhe_core.services.observations import ingest
from jhe_core.testing import token_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-output" / "portal"
DESKTOP = {"width": 1280, "height": 860}
TABLET = {"width": 820, "height": 1180}


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A modal is pinned to the viewport: capture what the user sees; else the whole page.
    modal_open = page.locator("dialog[open]").count() > 0
    page.screenshot(path=str(path), full_page=not modal_open)
    return path


def log_in(context, email: str, password: str = DEMO_PASSWORD, shot: str | None = None):
    """Open the console, press "Log in", sign in on the server's form; returns the page showing
    the Organizations screen."""
    page = context.new_page()
    page.goto("/portal/")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/o/**")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/#/organizations")
    page.get_by_role("heading", name="Organizations").wait_for()
    return page


OMH = "https://w3id.org/openmhealth"
NEW_PATIENT = {"email": "ada.lovelace@example.com", "family": "Lovelace", "given": "Ada"}
OTHER_ORG_PATIENT = "grace.hopper@example.com"
GLUCOSE_DAYS = 24
EXTRA_PATIENTS = 22


def observation(patient_id, code, device_id, body):
    """A FHIR Observation carrying an Open mHealth data point, as the patient's app sends it."""
    schema = code.split(":")
    point = {"header": {"uuid": str(uuid.uuid4()),
                        "schema_id": {"namespace": schema[0], "name": schema[1], "version": schema[2]},
                        "source_creation_date_time": body["effective_time_frame"]["date_time"],
                        "modality": "sensed"},
             "body": body}
    return {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": OMH, "code": code}]},
            "subject": {"reference": f"Patient/{patient_id}"},
            "device": {"reference": f"Device/{device_id}"},
            "identifier": [{"system": "https://example.com/portal-test", "value": str(uuid.uuid4())}],
            "valueAttachment": {"contentType": "application/json",
                                "data": base64.b64encode(json.dumps(point).encode()).decode()}}


def upload_as(exchange, email, resources):
    """Store observations through the core's ingest pipeline, as the patient's app would."""
    with exchange.db.connection_context():
        actor = actor_for_token(token_for(email))
        results = ingest(exchange, actor, resources, atomic=True)
    assert all(r.status == 201 for r in results)


def add_demo_data(exchange, api):
    """More patients (so the list has two pages), a patient only in organization 2, blood glucose
    for John Smith every day from 1 May 2024, blood pressure for Wei Chen."""
    for n in range(EXTRA_PATIENTS):
        answer = api("POST", "patients", json={
            "telecomEmail": f"paging{n:02d}@example.com", "nameFamily": f"Paging{n:02d}", "nameGiven": "Test",
            "birthDate": "1990-01-01", "organizationId": 1})
        assert answer.status_code == 201, answer.text
    answer = api("POST", "patients", role="other_manager", json={
        "telecomEmail": OTHER_ORG_PATIENT, "nameFamily": "Hopper", "nameGiven": "Grace", "birthDate": "1906-12-09",
        "organizationId": 2})
    assert answer.status_code == 201, answer.text
    start = datetime.datetime(2024, 5, 1, 8, 0, tzinfo=datetime.timezone.utc)
    glucose = [observation(10001, "omh:blood-glucose:4.0", 70001, {
        "blood_glucose": {"value": 90 + (day * 7) % 40, "unit": "mg/dL"},
        "effective_time_frame": {"date_time": (start + datetime.timedelta(days=day)).isoformat()}})
        for day in range(GLUCOSE_DAYS)]
    upload_as(exchange, "john.smith@example.com", glucose)
    pressure = [observation(10003, "omh:blood-pressure:4.0", 70005, {
        "systolic_blood_pressure": {"value": 120 + day, "unit": "mmHg"},
        "diastolic_blood_pressure": {"value": 80 - day, "unit": "mmHg"},
        "effective_time_frame": {"date_time": (start + datetime.timedelta(days=day)).isoformat()}})
        for day in range(3)]
    upload_as(exchange, "wei.chen@example.com", pressure)


def dialog(page):
    return page.locator("dialog[open]")


def open_patients(page, per_page=100):
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("heading", name="Patients").wait_for()
    if per_page != 20:
        page.locator("select.per-page").select_option(str(per_page))
        page.wait_for_url(re.compile(f"perPage={per_page}"))
    page.locator("table.patients-table tbody tr").first.wait_for()


def patient_row(page, email):
    return page.locator("table.patients-table tbody tr", has_text=email)


def count_observations(api, **params):
    return api("GET", "observations", params={"organization_id": 1, "limit": 1, **params}).json()["count"]
