"""The console's sign-in and Patients screens end to end in headless Chromium against a running
server with the demo data: log in and out, token refresh, create a patient after a lookup, add an
existing one, edit, invitation link, enroll in and remove from a study, paging, consents and the
chart, remove from the organization, keyboard use at tablet width.

Tests run in file order and build on each other's data (one server per module).
"""

import re

import pytest
import requests

from jhe_core.testing import auth_headers
from portal_browser import (NEW_PATIENT, OTHER_ORG_PATIENT, TABLET, count_observations, dialog, log_in,
                            open_patients, patient_row, screenshot)


pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]


def test_log_in_lands_on_organizations(context):
    page = log_in(context, "practitioner@example.com", shot="01-login-form")
    rows = page.locator("table.organizations-table tbody tr")
    assert rows.count() == 1
    assert "Example Clinic" in rows.first.inner_text()
    assert page.locator(".user-email").inner_text() == "practitioner@example.com"
    screenshot(page, "02-organizations")


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
