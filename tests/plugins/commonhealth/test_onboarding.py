"""The guide's complete patient onboarding, end to end over HTTP, with the invitation email
delivered to a real SMTP server process."""

import base64
import datetime
import email
import email.policy
import json
import mailbox
import socket
import subprocess
import sys
import time
import uuid

import falcon.testing
import pytest
import requests

from jhe_core import models as m
from jhe_core.services.invitations import patient_code_verifier
from jhe_core.testing import MEMORY_URL, auth_headers, demo_tokens, make_test_app, serve_in_thread

PREFIX = "https://play.google.com/store/apps/details?id=org.thecommonsproject.android.phr.dev&referrer=cloud_sharing="
MOBILE_REDIRECT = "https://jhe.yourdomain.com/auth/callback"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    """aiosmtpd as its own process, storing what it receives in a Maildir."""
    maildir = tmp_path_factory.mktemp("smtp") / "maildir"
    mailbox.Maildir(maildir, create=True)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield {"port": port, "maildir": maildir}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def app(smtp):
    return make_test_app(config={"plugins": {
        "email": {"backend": "smtp", "from_address": "Example Clinic <research@example.com>",
                  "smtp": {"host": "127.0.0.1", "port": smtp["port"], "security": "none"}},
        "commonhealth": {"contact_email": "research@example.com"}}})


@pytest.fixture(scope="module")
def server(app):
    with serve_in_thread(app) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def manager(app):
    return auth_headers(demo_tokens()["manager"])


def received(smtp):
    return [email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
            for msg in mailbox.Maildir(smtp["maildir"], create=False)]


@pytest.fixture(scope="module")
def exchange_code(server, app):
    """What the mobile app does with the code in a link: trade it, with the static verifier."""
    verifier = patient_code_verifier(app.exchange)

    def trade(code):
        return requests.post(f"{server}/o/token/", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": MOBILE_REDIRECT,
            "client_id": "jhe-mobile", "code_verifier": verifier})
    return trade


def omh_glucose(patient_id, value=120):
    point = {
        "header": {"uuid": str(uuid.uuid4()),
                   "schema_id": {"namespace": "omh", "name": "blood-glucose", "version": "4.0"},
                   "source_creation_date_time": "2024-05-02T08:30:00Z", "modality": "sensed"},
        "body": {"blood_glucose": {"value": value, "unit": "mg/dL"},
                 "effective_time_frame": {"date_time": "2024-05-02T08:30:00Z"}},
    }
    return {
        "resourceType": "Observation", "status": "final",
        "identifier": [{"system": "https://commonhealth.org", "value": point["header"]["uuid"]}],
        "code": {"coding": [{"system": "https://w3id.org/openmhealth", "code": "omh:blood-glucose:4.0"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "device": {"reference": "Device/70001"},
        "valueAttachment": {"contentType": "application/json",
                            "data": base64.b64encode(json.dumps(point).encode()).decode()},
    }


@pytest.fixture(scope="module")
def onboarded(server, manager, smtp):
    """Steps 1-3 of the guide: create the patient, enroll, generate and email the link."""
    created = requests.post(f"{server}/api/v1/patients", headers=manager, json={
        "telecomEmail": "ada.onboard@example.com", "nameFamily": "Onboard", "nameGiven": "Ada",
        "birthDate": "1985-03-04", "telecomPhone": "555-0000", "organizationId": 1})
    assert created.status_code == 201, created.text
    patient_id = created.json()["id"]
    enrolled = requests.post(f"{server}/api/v1/studies/10001/patients", headers=manager,
                             json={"patient_ids": [patient_id]})
    assert enrolled.status_code in (200, 201), enrolled.text
    first = requests.get(f"{server}/api/v1/patients/{patient_id}/invitation_link", headers=manager)
    emailed = requests.get(f"{server}/api/v1/patients/{patient_id}/invitation_link?send_email=true",
                           headers=manager)
    return {"id": patient_id, "first": first, "emailed": emailed}


def test_invitation_link_has_the_guides_format(onboarded, server):
    assert onboarded["first"].status_code == 200
    link = onboarded["first"].json()["invitationLink"]
    host = server.split("://")[1]
    assert link.startswith(f"{PREFIX}{host}|")
    code = link.rsplit("|", 1)[1]
    assert len(code) >= 30 and code.isalnum()


def test_hook_invitation_message_emails_the_link_to_the_patient(onboarded, smtp):
    body = onboarded["emailed"].json()
    assert onboarded["emailed"].status_code == 200, body
    assert body["emailSent"] is True
    assert body["emailTo"] == "ada.onboard@example.com"
    messages = [msg for msg in received(smtp) if "ada.onboard@example.com" in msg["To"]]
    assert len(messages) == 1
    message = messages[0]
    assert "Diabetes Management Study" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert body["invitationLink"] in text
    assert "CommonHealth" in text and "Example Clinic" in text and "research@example.com" in text
    assert body["invitationLink"].replace("&", "&amp;") in html


def test_new_link_invalidates_the_earlier_code(onboarded, exchange_code):
    old_code = onboarded["first"].json()["invitationLink"].rsplit("|", 1)[1]
    answer = exchange_code(old_code)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


@pytest.fixture(scope="module")
def patient_headers(onboarded, exchange_code):
    code = onboarded["emailed"].json()["invitationLink"].rsplit("|", 1)[1]
    answer = exchange_code(code)
    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert token["token_type"] == "Bearer" and token["refresh_token"]
    return auth_headers(token["access_token"])


def test_patient_reads_own_profile(onboarded, server, patient_headers):
    profile = requests.get(f"{server}/api/v1/users/profile", headers=patient_headers)
    assert profile.status_code == 200
    assert profile.json()["email"] == "ada.onboard@example.com"
    assert profile.json()["patient"]["id"] == onboarded["id"]


def test_patient_consents_uploads_and_practitioner_sees_it(onboarded, server, patient_headers, manager):
    patient_id = onboarded["id"]
    upload = requests.post(f"{server}/fhir/r5/Observation", headers=patient_headers,
                           json=omh_glucose(patient_id))
    assert upload.status_code == 403, "no consent yet: the upload must be refused"

    consents = requests.post(f"{server}/api/v1/patients/{patient_id}/consents", headers=patient_headers, json={
        "studyScopeConsents": [{"studyId": 10001, "scopeConsents": [{
            "codingSystem": "https://w3id.org/openmhealth", "codingCode": "omh:blood-glucose:4.0",
            "consented": True}]}]})
    assert consents.status_code in (200, 201), consents.text
    status = requests.get(f"{server}/api/v1/patients/{patient_id}/consents", headers=patient_headers).json()
    assert [s["codingCode"] for s in status["consolidatedConsentedScopes"]] == ["omh:blood-glucose:4.0"]

    upload = requests.post(f"{server}/fhir/r5/Observation", headers=patient_headers,
                           json=omh_glucose(patient_id, 131))
    assert upload.status_code == 201, upload.text

    bundle = requests.get(f"{server}/fhir/r5/Observation", headers=manager,
                          params={"patient": patient_id}).json()
    assert bundle["total"] == 1
    listed = requests.get(f"{server}/api/v1/observations", headers=manager,
                          params={"organization_id": 1, "study_id": 10001, "patient_id": patient_id}).json()
    assert listed["count"] == 1
    assert listed["results"][0]["valueAttachmentData"]["body"]["blood_glucose"]["value"] == 131

    revoke = requests.post(f"{server}/api/v1/patients/{patient_id}/consents", headers=patient_headers, json={
        "studyScopeConsents": [{"studyId": 10001, "scopeConsents": [{
            "codingSystem": "https://w3id.org/openmhealth", "codingCode": "omh:blood-glucose:4.0",
            "consented": False}]}]})
    assert revoke.status_code in (200, 201)
    refused = requests.post(f"{server}/fhir/r5/Observation", headers=patient_headers,
                            json=omh_glucose(patient_id, 140))
    assert refused.status_code == 403


def test_reused_code_is_rejected_and_revokes_its_tokens(onboarded, server, patient_headers, exchange_code):
    code = onboarded["emailed"].json()["invitationLink"].rsplit("|", 1)[1]
    again = exchange_code(code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # RFC 6749 4.1.2: a replayed code may mean it leaked; what it issued stops working.
    assert requests.get(f"{server}/api/v1/users/profile", headers=patient_headers).status_code == 401


def test_expired_code_is_rejected(onboarded, server, manager, exchange_code):
    link = requests.get(f"{server}/api/v1/patients/{onboarded['id']}/invitation_link", headers=manager)
    code = link.json()["invitationLink"].rsplit("|", 1)[1]
    m.AuthorizationCode.update(expires=m.utcnow() - datetime.timedelta(seconds=1)).where(
        m.AuthorizationCode.patient == onboarded["id"]).execute()
    answer = exchange_code(code)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("role, status", [
    ("manager", 200), ("member", 200), ("superuser", 200),
    ("viewer", 403), ("other_manager", 404), ("patient", 404), (None, 401),
])
def test_who_may_generate_links(server, app, role, status):
    headers = auth_headers(demo_tokens()[role]) if role else {}
    answer = requests.get(f"{server}/api/v1/patients/10002/invitation_link", headers=headers)
    assert answer.status_code == status, answer.text
    assert ("invitationLink" in answer.json()) == (status == 200)


def test_patient_cannot_invite_themselves(server, app):
    answer = requests.get(f"{server}/api/v1/patients/10001/invitation_link",
                          headers=auth_headers(demo_tokens()["patient"]))
    assert answer.status_code == 403


def test_without_email_sender_nothing_is_left_dangling(app):
    other = make_test_app(database_url=MEMORY_URL, config={"plugins": {"email": {"backend": "none"}}})
    client = falcon.testing.TestClient(other)
    headers = auth_headers(demo_tokens()["manager"])
    first = client.simulate_get("/api/v1/patients/10001/invitation_link", headers=headers)
    codes_before = list(m.AuthorizationCode.select().where(m.AuthorizationCode.patient == 10001).dicts())
    answer = client.simulate_get("/api/v1/patients/10001/invitation_link?send_email=true", headers=headers)
    assert answer.status_code == 503
    assert "No email sender is configured" in answer.json["detail"]
    assert list(m.AuthorizationCode.select().where(m.AuthorizationCode.patient == 10001).dicts()) == codes_before
    assert first.status_code == 200
    app.exchange.activate()


def test_hook_invitation_link_follows_config(app):
    from jhe_plugins.commonhealth.links import build_link
    production = build_link({"app": "production", "include_host": True, "host": "jhe.yourdomain.com"},
                            "LhS05iR1rOnpS4JWfP6GeVUIhaRcRh", "http://ignored")
    assert production == ("https://play.google.com/store/apps/details?id=org.thecommonsproject.android.phr"
                          "&referrer=cloud_sharing=jhe.yourdomain.com|LhS05iR1rOnpS4JWfP6GeVUIhaRcRh")
    bare = build_link({"app": "dev", "include_host": False}, "CODE", "https://jhe.example.org")
    assert bare == PREFIX + "CODE"
