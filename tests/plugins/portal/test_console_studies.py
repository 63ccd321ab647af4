"""The console's Organizations, Studies, Observations and Data Sources screens end to end in
headless Chromium against a running server with the demo data, and what a viewer and a superuser
see.

Tests run in file order and build on each other's data (one server per module).
"""

import base64
import json
import re

import pytest

from portal_browser import GLUCOSE_DAYS, count_observations, dialog, log_in, open_patients, patient_row, screenshot


pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]


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
