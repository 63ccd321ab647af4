"""The practitioners' console end to end in headless Chromium against a running server with the
demo data: every Console ("Method 1") flow of the guides, the role-dependent buttons, and the
additions (patient chart, study enrollment overview).

Tests run in file order and build on each other's data (one server per module).
"""

import base64
import datetime
import json
import re
import uuid

import pytest
import requests

from jhe_core.auth.tokens import actor_for_token
from jhe_core.services.observations import ingest
from jhe_core.testing import auth_headers, token_for

from portal_browser import TABLET, log_in, screenshot

pytestmark = pytest.mark.browser

OMH = "https://w3id.org/openmhealth"
NEW_PATIENT = {"email": "ada.lovelace@example.com", "family": "Lovelace", "given": "Ada"}
OTHER_ORG_PATIENT = "grace.hopper@example.com"
GLUCOSE_DAYS = 24
EXTRA_PATIENTS = 22


def observation(patient_id, code, device_id, body):
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


@pytest.fixture(scope="module")
def api(live_server):
    """``api(method, path, role="manager", **kw)``: the admin REST API with a demo actor's token."""
    tokens = {"manager": token_for("practitioner@example.com"), "other_manager": token_for("manager2@example.com"),
              "superuser": token_for("admin@example.com")}

    def call(method, path, role="manager", **kw):
        return requests.request(method, f"{live_server}/api/v1/{path}", headers=auth_headers(tokens[role]),
                                timeout=10, **kw)
    return call


@pytest.fixture(scope="module", autouse=True)
def demo_data(app, api):
    """More patients (so the list has two pages), a patient only in organization 2, blood glucose
    for John Smith every day of May 2024, blood pressure for Wei Chen."""
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
    upload_as(app.exchange, "john.smith@example.com", glucose)
    pressure = [observation(10003, "omh:blood-pressure:4.0", 70005, {
        "systolic_blood_pressure": {"value": 120 + day, "unit": "mmHg"},
        "diastolic_blood_pressure": {"value": 80 - day, "unit": "mmHg"},
        "effective_time_frame": {"date_time": (start + datetime.timedelta(days=day)).isoformat()}})
        for day in range(3)]
    upload_as(app.exchange, "wei.chen@example.com", pressure)


@pytest.fixture()
def manager(context):
    return log_in(context, "practitioner@example.com")


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


def test_log_in_lands_on_organizations(context):
    page = log_in(context, "practitioner@example.com", shot="01-login-form")
    rows = page.locator("table.organizations-table tbody tr")
    assert rows.count() == 1
    assert "Example Clinic" in rows.first.inner_text()
    assert page.locator(".user-email").inner_text() == "practitioner@example.com"
    screenshot(page, "02-organizations")


def test_organization_view_shows_studies_and_practitioners_and_adds_a_study(manager, api):
    page = manager
    page.get_by_role("button", name="View organization Example Clinic").click()
    modal = dialog(page)
    modal.locator(".studies-list").wait_for()
    assert "Diabetes Management Study" in modal.locator(".studies-list").inner_text()
    practitioners = modal.locator(".practitioners tbody").inner_text()
    assert "member@example.com" in practitioners and "viewer@example.com" in practitioners
    screenshot(page, "03-organization-view")

    modal.get_by_role("button", name="Add Study").click()
    create = dialog(page)
    create.get_by_role("heading", name="Create Study").wait_for()
    create.locator("input[name=name]").fill("Sleep Study")
    create.locator("textarea[name=description]").fill("Nightly sleep and heart rate")
    assert create.locator("input[name=organization]").input_value() == "Example Clinic"
    icon = "data:image/svg+xml;base64," + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="purple"/></svg>'
    ).decode()
    create.locator("input[name=iconUrl]").fill(icon)
    create.locator("img.icon-preview").wait_for(state="visible")
    screenshot(page, "04-create-study")
    create.get_by_role("button", name="Create").click()
    dialog(page).wait_for(state="detached")
    studies = api("GET", "studies", params={"organization_id": 1}).json()["results"]
    created = [s for s in studies if s["name"] == "Sleep Study"]
    assert created and created[0]["description"] == "Nightly sleep and heart rate" and created[0]["iconUrl"] == icon


def test_manager_adds_changes_and_removes_a_practitioner(manager, api):
    page = manager
    page.get_by_role("button", name="View organization Example Clinic").click()
    modal = dialog(page)
    form = modal.locator("form.add-practitioner")
    form.locator("input[type=email]").fill("manager2@example.com")
    form.locator("select").select_option("viewer")
    form.get_by_role("button", name="Add").click()
    role = modal.get_by_label("Role of manager2@example.com")
    role.wait_for()
    assert role.input_value() == "viewer"
    role.select_option("member")
    page.wait_for_function("""() => [...document.querySelectorAll('dialog[open] .role-select')]
        .some(s => s.getAttribute('aria-label') === 'Role of manager2@example.com' && s.value === 'member')""")
    links = api("GET", "organizations/1/practitioners").json()["results"]
    assert {p["email"]: p["role"] for p in links}["manager2@example.com"] == "member"
    modal.get_by_role("button", name="Remove manager2@example.com from the organization").click()
    page.locator("dialog[open]", has_text="Remove manager2@example.com").get_by_role("button", name="Remove").click()
    page.wait_for_function("""() => !document.querySelector('dialog[open] .practitioners').innerText
        .includes('manager2@example.com')""")
    links = api("GET", "organizations/1/practitioners").json()["results"]
    assert "manager2@example.com" not in {p["email"] for p in links}


def test_create_patient_after_lookup_finds_nobody(manager, api):
    page = manager
    open_patients(page)
    screenshot(page, "05-patients")
    page.get_by_role("button", name="Add Patient...").click()
    modal = dialog(page)
    modal.get_by_role("heading", name="Create Patient").wait_for()
    modal.locator("input[name=lookupEmail]").fill(NEW_PATIENT["email"])
    modal.get_by_role("button", name="Lookup").click()
    modal.get_by_text("No patient with this e-mail exists yet").wait_for()
    assert modal.locator("input[name=telecomEmail]").input_value() == NEW_PATIENT["email"]
    modal.locator("input[name=identifier]").fill("MRN-99001")
    modal.locator("input[name=nameFamily]").fill(NEW_PATIENT["family"])
    modal.locator("input[name=nameGiven]").fill(NEW_PATIENT["given"])
    modal.locator("input[name=birthDate]").fill("1985-12-10")
    modal.locator("input[name=telecomPhone]").fill("555-0101")
    screenshot(page, "06-create-patient")
    modal.get_by_role("button", name="Create").click()
    dialog(page).wait_for(state="detached")
    patient_row(page, NEW_PATIENT["email"]).wait_for()
    assert "Lovelace, Ada" in patient_row(page, NEW_PATIENT["email"]).inner_text()
    found = api("GET", "patients/global_lookup", params={"email": NEW_PATIENT["email"]}).json()
    assert found and found[0]["birthDate"] == "1985-12-10"


def test_lookup_offers_update_for_a_patient_of_another_organization(manager, api):
    page = manager
    open_patients(page)
    page.get_by_role("button", name="Add Patient...").click()
    modal = dialog(page)
    modal.locator("input[name=lookupEmail]").fill(OTHER_ORG_PATIENT)
    modal.get_by_role("button", name="Lookup").click()
    modal.get_by_text("This Patient already exists. Click the Update button below to add this Patient to the "
                      "Organization").wait_for()
    assert "Hopper, Grace" in modal.locator(".existing-patient").inner_text()
    assert modal.locator("form.create-patient-form").is_hidden()
    screenshot(page, "07-lookup-existing-patient")
    modal.get_by_role("button", name="Update").click()
    dialog(page).wait_for(state="detached")
    patient_row(page, OTHER_ORG_PATIENT).wait_for()


def test_api_errors_are_shown_next_to_the_form(manager):
    page = manager
    open_patients(page)
    page.get_by_role("button", name="Add Patient...").click()
    modal = dialog(page)
    modal.locator("input[name=telecomEmail]").fill("john.smith@example.com")
    modal.locator("input[name=nameFamily]").fill("Smith")
    modal.locator("input[name=nameGiven]").fill("Johnny")
    modal.locator("input[name=birthDate]").fill("1980-01-01")
    modal.get_by_role("button", name="Create").click()
    error = modal.locator("form.create-patient-form .error-box")
    error.wait_for()
    assert "already exists" in error.inner_text()
    screenshot(page, "08-error-next-to-form")


def test_edit_patient_keeps_email_read_only(manager, api):
    page = manager
    open_patients(page)
    row = patient_row(page, NEW_PATIENT["email"])
    row.get_by_role("button", name=re.compile("^Edit patient")).click()
    modal = dialog(page)
    assert modal.locator("input[name=telecomEmail]").get_attribute("readonly") is not None
    modal.locator("input[name=telecomPhone]").fill("555-0202")
    modal.get_by_role("button", name="Update").click()
    dialog(page).wait_for(state="detached")
    patient_row(page, "555-0202").wait_for()


def test_generate_invitation_link_and_copy_it(manager):
    page = manager
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_patients(page)
    patient_row(page, NEW_PATIENT["email"]).get_by_role("button", name=re.compile("^View patient")).click()
    modal = dialog(page)
    modal.get_by_role("heading", name="Generate Invitation Link").wait_for()
    send = modal.get_by_label("Send link by email")
    assert send.is_checked()
    send.uncheck()
    modal.get_by_role("button", name="Generate Invitation Link").click()
    link = modal.locator("textarea.invitation-link")
    page.wait_for_function("() => document.querySelector('dialog[open] textarea.invitation-link').value !== ''")
    value = link.input_value()
    assert value.startswith("https://") and "|" in value
    modal.get_by_role("button", name="Copy to Clipboard").click()
    modal.get_by_text("Copied to the clipboard.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == value
    screenshot(page, "09-invitation-link")
    send.check()
    modal.get_by_role("button", name="Generate Invitation Link").click()
    modal.get_by_text(f"The link was e-mailed to {NEW_PATIENT['email']}.").wait_for()
    assert link.input_value() != value  # a new code replaces the old one


def test_enroll_checked_patients_in_a_study_then_remove_them(manager, api):
    page = manager
    open_patients(page)
    patient_row(page, NEW_PATIENT["email"]).locator("input.row-check").check()
    patient_row(page, OTHER_ORG_PATIENT).locator("input.row-check").check()
    assert page.get_by_role("button", name="Remove Patient(s) from Study").is_disabled()  # no study chosen
    page.get_by_role("button", name="Add Patient(s) to Study...").click()
    modal = dialog(page)
    modal.locator("select.enroll-study").select_option(label="Cardiac Health Study")
    screenshot(page, "10-enroll-in-study")
    modal.get_by_role("button", name="Add to Study").click()
    dialog(page).wait_for(state="detached")
    page.wait_for_url(re.compile("study=10002"))
    patient_row(page, NEW_PATIENT["email"]).wait_for()
    enrolled = api("GET", "patients", params={"organization_id": 1, "study_id": 10002, "limit": 100}).json()
    assert {NEW_PATIENT["email"], OTHER_ORG_PATIENT} <= {p["telecomEmail"] for p in enrolled["results"]}

    # The patient's details now list the study as pending a response.
    patient_row(page, NEW_PATIENT["email"]).get_by_role("button", name=re.compile("^View patient")).click()
    pending = dialog(page).locator(".studies-pending")
    pending.get_by_text("Cardiac Health Study").wait_for()
    assert "Blood Pressure" in pending.inner_text()
    dialog(page).get_by_role("button", name="Close").click()

    patient_row(page, OTHER_ORG_PATIENT).locator("input.row-check").check()
    page.get_by_role("button", name="Remove Patient(s) from Study").click()
    confirm = dialog(page)
    assert "Remove 1 patient(s) from Cardiac Health Study" in confirm.inner_text()
    confirm.get_by_role("button", name="Remove").click()
    patient_row(page, OTHER_ORG_PATIENT).wait_for(state="detached")
    enrolled = api("GET", "patients", params={"organization_id": 1, "study_id": 10002, "limit": 100}).json()
    assert OTHER_ORG_PATIENT not in {p["telecomEmail"] for p in enrolled["results"]}


def test_configure_study_data_sources_and_scopes(manager, api):
    page = manager
    page.get_by_role("link", name="Studies").click()
    page.get_by_role("button", name="View study Diabetes Management Study").click()
    modal = dialog(page)
    sources = modal.locator("section.data-sources")
    sources.get_by_text("iHealth").wait_for()
    assert sources.locator("form.add-linked").is_hidden()  # until "+" is pressed
    sources.get_by_role("button", name="Add Data Sources").click()
    sources.locator("form.add-linked select").select_option(label="Dexcom")
    sources.get_by_role("button", name="Add", exact=True).click()
    sources.locator(".linked-list", has_text="Dexcom").wait_for()
    scopes = modal.locator("section.scope-requests")
    scopes.get_by_role("button", name="Add Scope Requests").click()
    scopes.locator("form.add-linked select").select_option(label="Heart Rate")
    scopes.get_by_role("button", name="Add", exact=True).click()
    scopes.locator(".linked-list", has_text="Heart Rate").wait_for()
    study = api("GET", "studies/10001").json()
    assert {d["name"] for d in study["dataSources"]} == {"iHealth", "Dexcom"}
    assert {s["codingCode"] for s in study["scopeRequests"]} == {"omh:blood-glucose:4.0", "omh:heart-rate:2.0"}

    # Enrollment overview: counts and each patient's last upload.
    enrollment = modal.locator("section.enrollment")
    enrollment.locator(".stat-row").wait_for()
    stats = enrollment.locator(".stat-row").inner_text()
    assert re.search(r"2\s+Enrolled", stats) and re.search(r"2\s+Consented", stats)
    rows = enrollment.locator("tbody tr")
    john = rows.filter(has_text="Smith, John")
    assert "just now" in john.inner_text()  # uploaded by the fixture a moment ago
    assert "stale" not in (john.get_attribute("class") or "")
    maria = rows.filter(has_text="Garcia, Maria")  # enrolled and consented, never uploaded
    assert "never" in maria.inner_text() and "stale" in (maria.get_attribute("class") or "")
    screenshot(page, "11-study-view")

    sources.get_by_role("button", name="Remove Dexcom").click()
    sources.locator(".linked-list", has_text="Dexcom").wait_for(state="detached")
    scopes.get_by_role("button", name="Remove Heart Rate").click()
    scopes.locator(".linked-list", has_text="Heart Rate").wait_for(state="detached")
    study = api("GET", "studies/10001").json()
    assert [d["name"] for d in study["dataSources"]] == ["iHealth"]
    assert [s["codingCode"] for s in study["scopeRequests"]] == ["omh:blood-glucose:4.0"]


def test_edit_and_delete_a_study(manager, api):
    page = manager
    page.get_by_role("link", name="Studies").click()
    page.get_by_role("button", name="Edit study Sleep Study").click()
    modal = dialog(page)
    modal.get_by_role("heading", name="Update Study").wait_for()
    modal.locator("input[name=name]").fill("Sleep and Recovery Study")
    modal.get_by_role("button", name="Update").click()
    page.get_by_role("button", name="Delete study Sleep and Recovery Study").click()
    confirm = dialog(page)
    assert "Are you sure you want to delete this entire record?" in confirm.inner_text()
    confirm.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="View study Sleep and Recovery Study").wait_for(state="detached")
    names = {s["name"] for s in api("GET", "studies", params={"organization_id": 1}).json()["results"]}
    assert "Sleep and Recovery Study" not in names and "Sleep Study" not in names


def test_page_through_patients(manager, api):
    page = manager
    total = api("GET", "patients", params={"organization_id": 1}).json()["count"]
    assert total > 20
    open_patients(page, per_page=20)
    summary = page.locator(".pager-summary")
    assert summary.inner_text() == f"1\u201320 of {total} patients"
    assert page.locator("table.patients-table tbody tr").count() == 20
    page_input = page.get_by_label("Page number")
    page_input.fill("2")
    page_input.press("Enter")
    page.wait_for_url(re.compile("page=2"))
    page.get_by_text(f"21\u2013{total} of {total} patients").wait_for()
    assert page.locator("table.patients-table tbody tr").count() == total - 20
    screenshot(page, "12-patients-page-2")
    page.get_by_role("button", name="Previous page").click()
    page.get_by_text(f"1\u201320 of {total} patients").wait_for()
    page.locator("select.per-page").select_option("50")
    page.get_by_text(f"1\u2013{total} of {total} patients").wait_for()
    assert page.get_by_role("button", name="Next page").is_disabled()


def count_observations(api, **params):
    return api("GET", "observations", params={"organization_id": 1, "limit": 1, **params}).json()["count"]


def test_filter_observations_and_open_a_payload(manager, api):
    page = manager
    total = count_observations(api)
    johns = count_observations(api, patient_id=10001)
    assert total > johns >= GLUCOSE_DAYS
    page.get_by_role("link", name="Observations").click()
    page.get_by_text(f"1\u201320 of {total} observations").wait_for()
    page.locator("select.filter-patient").select_option(label="Smith, John")
    page.get_by_text(f"1\u201320 of {johns} observations").wait_for()
    page.locator("select.filter-code").select_option(label="Blood Pressure")
    page.get_by_text("No observations match these filters.").wait_for()
    page.locator("select.filter-code").select_option(label="Blood Glucose")
    page.get_by_text(f"of {johns} observations").wait_for()
    page.locator("input.filter-from").fill("2024-05-10")
    page.locator("input.filter-from").dispatch_event("change")
    page.get_by_text(f"of {GLUCOSE_DAYS - 9} observations").wait_for()
    page.locator("input.filter-to").fill("2024-05-14")
    page.locator("input.filter-to").dispatch_event("change")
    page.get_by_text("1\u20135 of 5 observations").wait_for()
    first = page.locator("table.observations-table tbody tr").first
    assert "Blood Glucose" in first.inner_text() and "Smith, John" in first.inner_text()
    assert "blood_glucose" in first.locator(".json-cell").inner_text()
    screenshot(page, "13-observations")
    first.click()
    payload = dialog(page).locator("pre.json-payload")
    data = json.loads(payload.inner_text())
    assert data["body"]["blood_glucose"]["unit"] == "mg/dL"
    assert data["header"]["schema_id"]["name"] == "blood-glucose"
    screenshot(page, "14-observation-payload")
    page.keyboard.press("Escape")
    dialog(page).wait_for(state="detached")
    first.focus()
    page.keyboard.press("Enter")  # rows open from the keyboard too
    dialog(page).locator("pre.json-payload").wait_for()


def test_patient_details_show_consents_and_chart(manager, api):
    page = manager
    glucose = count_observations(api, patient_id=10001, coding_code="omh:blood-glucose:4.0")
    open_patients(page)
    patient_row(page, "john.smith@example.com").get_by_role("button", name=re.compile("^View patient")).click()
    modal = dialog(page)
    responded = modal.locator(".studies-responded")
    responded.get_by_text("Diabetes Management Study").wait_for()
    assert responded.locator(".consent-yes").count() >= 1
    assert "Example Clinic" in modal.locator(".patient-organizations").inner_text()
    chart = modal.locator("svg.chart")
    chart.wait_for()
    assert chart.locator("circle").count() == glucose
    assert f"Blood glucose (mg/dL): {glucose} values" in modal.locator(".chart-legend").inner_text()
    modal.locator("svg.chart").scroll_into_view_if_needed()
    screenshot(page, "15-patient-details-chart")

    page.keyboard.press("Escape")
    patient_row(page, "wei.chen@example.com").get_by_role("button", name=re.compile("^View patient")).click()
    modal = dialog(page)
    modal.locator("svg.chart").wait_for()
    legend = modal.locator(".chart-legend").inner_text()
    assert "Systolic blood pressure" in legend and "Diastolic blood pressure" in legend
    assert modal.locator(".studies-responded .consent-no").count() >= 1  # declined heart rate


def test_remove_patient_from_organization(manager, api):
    page = manager
    open_patients(page)
    patient_row(page, NEW_PATIENT["email"]).get_by_role("button", name=re.compile("^Delete patient")).click()
    confirm = dialog(page)
    assert "Are you sure you want to delete this entire record?" in confirm.inner_text()
    screenshot(page, "16-delete-patient-confirm")
    confirm.get_by_role("button", name="Delete").click()
    patient_row(page, NEW_PATIENT["email"]).wait_for(state="detached")
    emails = {p["telecomEmail"] for p in api("GET", "patients", params={"organization_id": 1, "limit": 100}).json()["results"]}
    assert NEW_PATIENT["email"] not in emails


def test_data_sources_screen(manager):
    page = manager
    page.get_by_role("link", name="Data Sources").click()
    row = page.locator("table.data-sources-table tbody tr", has_text="iHealth")
    row.wait_for()
    assert "Blood Glucose" in row.inner_text() and "Blood Pressure" in row.inner_text()
    screenshot(page, "17-data-sources")


def test_viewer_sees_no_write_actions(context):
    page = log_in(context, "viewer@example.com")
    page.get_by_role("button", name="View organization Example Clinic").click()
    modal = dialog(page)
    modal.locator(".studies-list").wait_for()
    modal.locator(".practitioners tbody tr").first.wait_for()
    assert modal.get_by_role("button", name="Add Study").count() == 0
    assert modal.locator("form.add-practitioner, .role-select").count() == 0
    page.keyboard.press("Escape")

    open_patients(page)
    assert page.get_by_role("button", name="Add Patient...").count() == 0
    assert page.get_by_role("button", name="Add Patient(s) to Study...").count() == 0
    assert page.get_by_role("button", name="Remove Patient(s) from Study").count() == 0
    assert page.locator("input.row-check").count() == 0
    assert page.get_by_role("button", name=re.compile("^(Edit|Delete) patient")).count() == 0
    screenshot(page, "18-viewer-patients")
    patient_row(page, "john.smith@example.com").get_by_role("button", name=re.compile("^View patient")).click()
    dialog(page).locator("svg.chart").wait_for()
    assert dialog(page).get_by_role("button", name="Generate Invitation Link").count() == 0
    page.keyboard.press("Escape")

    page.get_by_role("link", name="Studies").click()
    page.get_by_role("button", name="View study Diabetes Management Study").wait_for()
    assert page.get_by_role("button", name=re.compile("^(Edit|Delete) study")).count() == 0
    page.get_by_role("button", name="View study Diabetes Management Study").click()
    dialog(page).locator("section.data-sources").get_by_text("iHealth").wait_for()
    assert dialog(page).get_by_role("button", name=re.compile("^(Add|Remove)\\b")).count() == 0
    assert dialog(page).locator("form.add-linked").count() == 0
    screenshot(page, "19-viewer-study-view")


def test_superuser_creates_edits_and_deletes_an_organization(context, api):
    page = log_in(context, "admin@example.com")
    assert page.locator(".badge", has_text="superuser").is_visible()
    page.get_by_role("button", name="Add Organization...").click()
    modal = dialog(page)
    modal.get_by_label("Name").fill("Southside Lab")
    modal.get_by_label("Type").select_option("crs")
    modal.get_by_label("Part of").select_option(label="(top level)")
    modal.get_by_role("button", name="Create").click()
    page.get_by_role("button", name="Edit organization Southside Lab").click()
    dialog(page).get_by_label("Name").fill("Southside Research Lab")
    dialog(page).get_by_role("button", name="Update").click()
    row = page.locator("table.organizations-table tbody tr", has_text="Southside Research Lab")
    row.wait_for()
    assert "Clinical Research Sponsor" in row.inner_text()
    created = [o for o in api("GET", "organizations", role="superuser").json()["results"]
               if o["name"] == "Southside Research Lab"]
    assert created and created[0]["type"] == "crs" and created[0]["partOf"] in (None, 0)
    page.get_by_role("button", name="Delete organization Southside Research Lab").click()
    confirm = dialog(page)
    assert "Are you sure you want to delete this entire record?" in confirm.inner_text()
    confirm.get_by_role("button", name="Delete").click()
    row.wait_for(state="detached")
    names = {o["name"] for o in api("GET", "organizations", role="superuser", params={"limit": 1000}).json()["results"]}
    assert "Southside Research Lab" not in names and "Southside Lab" not in names


def test_keyboard_and_tablet_width(context):
    page = log_in(context, "member@example.com")
    page.set_viewport_size(TABLET)
    open_patients(page, per_page=20)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at tablet width"
    screenshot(page, "20-tablet-patients")
    # Tab from the page-size select back through the table reaches buttons; Enter opens, Escape closes.
    view = patient_row(page, "john.smith@example.com").get_by_role("button", name=re.compile("^View patient"))
    view.focus()
    page.keyboard.press("Enter")
    dialog(page).get_by_role("heading", name=re.compile("Patient")).first.wait_for()
    page.keyboard.press("Escape")
    dialog(page).wait_for(state="detached")
    page.get_by_role("link", name="Studies").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Studies").wait_for()


def test_log_out_revokes_the_tokens(context, live_server):
    page = log_in(context, "practitioner@example.com")
    token = page.evaluate("JSON.parse(sessionStorage.getItem('jhe.portal.tokens')).accessToken")
    assert requests.get(f"{live_server}/api/v1/users/profile", headers=auth_headers(token), timeout=10).status_code == 200
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You are logged out.").wait_for()
    assert page.evaluate("sessionStorage.getItem('jhe.portal.tokens')") is None
    assert requests.get(f"{live_server}/api/v1/users/profile", headers=auth_headers(token), timeout=10).status_code == 401
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/o/**")
    page.locator("input[name=password]").wait_for()  # the server asks for the password again


def test_expired_or_rejected_tokens_are_refreshed(context, live_server):
    page = log_in(context, "practitioner@example.com")
    first = page.evaluate("JSON.parse(sessionStorage.getItem('jhe.portal.tokens'))")
    # Expired: the next request refreshes first (the refresh token rotates).
    page.evaluate("""() => {
        const t = JSON.parse(sessionStorage.getItem('jhe.portal.tokens'));
        t.expiresAt = Date.now() - 1000;
        sessionStorage.setItem('jhe.portal.tokens', JSON.stringify(t));
    }""")
    page.get_by_role("link", name="Studies").click()
    page.get_by_role("button", name="View study Diabetes Management Study").wait_for()
    second = page.evaluate("JSON.parse(sessionStorage.getItem('jhe.portal.tokens'))")
    assert second["accessToken"] != first["accessToken"] and second["refreshToken"] != first["refreshToken"]
    # Rejected (revoked behind the console's back): one refresh, then the request is retried.
    requests.post(f"{live_server}/o/revoke_token/", data={"token": second["accessToken"], "client_id": "jhe-portal"},
                  timeout=10)
    page.get_by_role("link", name="Patients").click()
    patient_row(page, "john.smith@example.com").wait_for()
    third = page.evaluate("JSON.parse(sessionStorage.getItem('jhe.portal.tokens'))")
    assert third["accessToken"] != second["accessToken"]
    # Nothing left to refresh with: back to the login screen, with the reason.
    requests.post(f"{live_server}/o/revoke_token/", data={"token": third["refreshToken"], "client_id": "jhe-portal",
                                                          "token_type_hint": "refresh_token"}, timeout=10)
    requests.post(f"{live_server}/o/revoke_token/", data={"token": third["accessToken"], "client_id": "jhe-portal"},
                  timeout=10)
    page.get_by_role("link", name="Observations").click()
    page.get_by_text("Your session has ended; please log in again.").wait_for()
    page.get_by_role("button", name="Log in").wait_for()
