"""Token endpoint grants (password, client credentials, patient invitation codes), revocation,
introspection, token expiry and rate limits, through Falcon's test client."""

import base64
import datetime
import itertools
from urllib.parse import urlencode

import falcon.testing
import pytest
from oauth_helpers import FORM, PASSWORD

from jhe_core import models as m
from jhe_core.auth import clients
from jhe_core.services.invitations import issue_invitation_code, patient_code_verifier, s256
from jhe_core.testing import make_test_app

_addresses = (f"10.0.0.{i}" for i in itertools.count(1))


@pytest.fixture(scope="module")
def app():
    return make_test_app(enabled=[], config={"auth": {"login_attempts_per_window": 3}})


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


@pytest.fixture(scope="module")
def service(app):
    """A confidential client for client credentials and introspection."""
    created, secret = clients.create_client("analytics", client_type="confidential",
                                            grant_types=["client_credentials"])
    return created, secret


def post(client, path, fields, headers=None, address=None):
    return client.simulate_post(path, body=urlencode(fields), headers={**FORM, **(headers or {})},
                                remote_addr=address or next(_addresses))


def basic(client_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def password_grant(client, email="practitioner@example.com", password=PASSWORD, address=None, **extra):
    fields = {"grant_type": "password", "username": email, "password": password, "client_id": "jhe-cli",
              "scope": "read write", **extra}
    return post(client, "/o/token/", fields, address=address)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_password_grant_as_in_the_guide(client):
    response = password_grant(client)
    assert response.status_code == 200, response.text
    body = response.json
    assert list(body) == ["access_token", "expires_in", "token_type", "scope", "refresh_token"]
    assert body["expires_in"] == 36000 and body["token_type"] == "Bearer" and body["scope"] == "read write"
    row = m.AccessToken.get(m.AccessToken.user == m.User.get(email="practitioner@example.com").id)
    assert body["access_token"] not in row.token_hash and len(row.token_hash) == 64


def test_password_grant_with_openid_adds_an_id_token(client):
    assert "id_token" in password_grant(client, scope="openid read").json


def test_bad_password(client):
    response = password_grant(client, password="nope-nope")
    assert response.status_code == 400
    assert response.json == {"error": "invalid_grant", "error_description": "Invalid credentials given."}


def test_password_grant_needs_the_grant_on_the_client(client):
    fields = {"grant_type": "password", "username": "practitioner@example.com", "password": PASSWORD,
              "client_id": "jhe-portal"}
    response = post(client, "/o/token/", fields)
    assert response.status_code == 400 and response.json["error"] == "unauthorized_client"


def test_unknown_client_and_unknown_grant(client):
    response = post(client, "/o/token/", {"grant_type": "password", "username": "x@example.com",
                                          "password": "x", "client_id": "no-such-client"})
    assert response.status_code == 401 and response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = post(client, "/o/token/", {"grant_type": "implicit", "client_id": "jhe-cli"})
    assert response.status_code == 400 and response.json == {"error": "unsupported_grant_type"}


def test_unknown_scope(client):
    response = password_grant(client, scope="read admin")
    assert response.status_code == 400 and response.json["error"] == "invalid_scope"


def test_login_attempts_are_rate_limited_per_account(client):
    email = "member@example.com"
    for _ in range(3):
        assert password_grant(client, email=email, password="wrong-pass").status_code == 400
    locked = password_grant(client, email=email)  # right password, from another address
    assert locked.status_code == 400 and locked.json["error"] == "invalid_grant"
    assert "Too many failed login attempts for this account" in locked.json["error_description"]
    assert m.LoginAttempt.select().where(m.LoginAttempt.key == f"user:{email}").count() == 3


def test_login_attempts_are_rate_limited_per_address(client):
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        password_grant(client, email=email, password="wrong-pass", address="192.0.2.7")
    locked = password_grant(client, email="viewer@example.com", address="192.0.2.7")
    assert "for your address" in locked.json["error_description"]
    assert password_grant(client, email="viewer@example.com", address="192.0.2.8").status_code == 200


def test_login_form_is_rate_limited_too(client):
    for _ in range(3):
        password_grant(client, email="manager2@example.com", password="wrong-pass")
    page = client.simulate_get("/o/login/", remote_addr="198.51.100.1")
    csrf_cookie = page.cookies["jhe_csrf"].value
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.simulate_post("/o/login/", body=urlencode({
        "username": "manager2@example.com", "password": PASSWORD, "csrf_token": token}),
        headers={**FORM, "Cookie": f"jhe_csrf={csrf_cookie}"}, remote_addr="198.51.100.1")
    assert response.status_code == 429 and "Too many failed login attempts" in response.text
    assert response.headers["Retry-After"] == "300"


def test_client_credentials_with_basic_and_with_form(client, service):
    created, secret = service
    for headers, fields in ((basic("analytics", secret), {}), ({}, {"client_id": "analytics", "client_secret": secret})):
        response = post(client, "/o/token/", {"grant_type": "client_credentials", **fields}, headers)
        assert response.status_code == 200, response.text
        assert list(response.json) == ["access_token", "expires_in", "token_type", "scope"]
        who = m.AccessToken.get(m.AccessToken.token_hash == clients.hash_secret(response.json["access_token"]))
        assert who.user_id is None and who.client_id == created.id
    assert created.secret_hash != secret and len(created.secret_hash) == 64


def test_client_credentials_refusals(client, service):
    response = post(client, "/o/token/", {"grant_type": "client_credentials"}, basic("analytics", "wrong"))
    assert response.status_code == 401 and response.json["error"] == "invalid_client"
    response = post(client, "/o/token/", {"grant_type": "client_credentials", "client_id": "jhe-cli"})
    assert response.status_code == 401 and response.json["error"] == "invalid_client"


def test_revocation_of_access_and_refresh_tokens(client):
    body = password_grant(client).json
    assert client.simulate_get("/o/userinfo", headers=bearer(body["access_token"])).status_code == 403  # no openid
    response = post(client, "/o/revoke_token/", {"token": body["access_token"], "client_id": "jhe-cli"})
    assert response.status_code == 200
    gone = client.simulate_get("/o/userinfo", headers=bearer(body["access_token"]))
    assert gone.status_code == 401 and gone.json == {"detail": "Token has been revoked."}
    post(client, "/o/revoke_token", {"token": body["refresh_token"], "client_id": "jhe-cli",
                                     "token_type_hint": "refresh_token"})
    refresh = post(client, "/o/token", {"grant_type": "refresh_token", "refresh_token": body["refresh_token"],
                                        "client_id": "jhe-cli"})
    assert refresh.status_code == 400 and refresh.json["error"] == "invalid_grant"
    # unknown tokens are not an error (RFC 7009 2.2); a missing one is
    assert post(client, "/o/revoke_token", {"token": "nonsense", "client_id": "jhe-cli"}).status_code == 200
    assert post(client, "/o/revoke_token", {"client_id": "jhe-cli"}).json["error"] == "invalid_request"


def test_a_client_cannot_revoke_another_clients_token(client):
    body = password_grant(client, scope="openid read").json
    post(client, "/o/revoke_token", {"token": body["access_token"], "client_id": "jhe-mobile"})
    assert client.simulate_get("/o/userinfo", headers=bearer(body["access_token"])).status_code == 200


def test_introspection_for_confidential_clients_only(client, service):
    _, secret = service
    body = password_grant(client).json
    response = post(client, "/o/introspect/", {"token": body["access_token"]}, basic("analytics", secret))
    assert response.status_code == 200, response.text
    claims = response.json
    assert claims["active"] is True and claims["username"] == "practitioner@example.com"
    assert claims["client_id"] == "jhe-cli" and claims["scope"] == "read write" and claims["exp"] > claims["iat"]
    inactive = post(client, "/o/introspect/", {"token": "unknown"}, basic("analytics", secret))
    assert inactive.json == {"active": False}
    public = post(client, "/o/introspect/", {"token": body["access_token"], "client_id": "jhe-cli"})
    assert public.status_code == 401 and public.json["error"] == "invalid_client"


def test_expired_and_unknown_tokens_get_401_with_a_reason(client):
    body = password_grant(client, scope="openid read").json
    row = m.AccessToken.get(m.AccessToken.token_hash == clients.hash_secret(body["access_token"]))
    row.expires = m.utcnow() - datetime.timedelta(seconds=1)
    row.save()
    expired = client.simulate_get("/o/userinfo", headers=bearer(body["access_token"]))
    assert expired.status_code == 401 and expired.json == {"detail": "Token has expired."}
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    unknown = client.simulate_get("/o/userinfo", headers=bearer("not-a-token"))
    assert unknown.status_code == 401 and unknown.json == {"detail": "Invalid token."}
    missing = client.simulate_get("/o/userinfo")
    assert missing.status_code == 401
    assert missing.json == {"detail": "Authentication credentials were not provided."}
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")


# ------------------------------------------------------------------ patient invitation codes

def invitation_exchange(client, code, verifier, redirect_uri="https://jhe.yourdomain.com/auth/callback"):
    return post(client, "/o/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                      "client_id": "jhe-mobile", "code_verifier": verifier})


def test_invitation_code_gives_a_patient_token(app, client):
    patient = m.Patient.get_by_id(10001)
    code = issue_invitation_code(app.exchange, patient)
    assert len(code) == 30 and code.isalnum()
    verifier = patient_code_verifier(app.exchange)
    assert (app.exchange.config.data_dir / "keys" / "patient-pkce.json").exists()
    response = invitation_exchange(client, code, verifier)
    assert response.status_code == 200, response.text
    body = response.json
    assert body["scope"] == "openid read write" and "id_token" in body and "refresh_token" in body
    profile = client.simulate_get("/o/userinfo", headers=bearer(body["access_token"]))
    assert profile.json["email"] == patient.user.email
    again = invitation_exchange(client, code, verifier)
    assert again.status_code == 400 and again.json["error"] == "invalid_grant"


def test_invitation_code_accepts_any_registered_redirect_of_the_client(app, client):
    patient = m.Patient.get_by_id(10002)
    code = issue_invitation_code(app.exchange, patient)
    assert invitation_exchange(client, code, patient_code_verifier(app.exchange),
                               redirect_uri="http://falconframework.org/auth/callback").status_code == 200
    code = issue_invitation_code(app.exchange, patient)
    wrong = invitation_exchange(client, code, patient_code_verifier(app.exchange),
                                redirect_uri="https://evil.example.com/cb")
    assert wrong.status_code == 400 and wrong.json["error"] == "invalid_request"


def test_invitation_code_refusals(app, client):
    patient = m.Patient.get_by_id(10003)
    verifier = patient_code_verifier(app.exchange)
    older = issue_invitation_code(app.exchange, patient)
    newer = issue_invitation_code(app.exchange, patient)
    assert invitation_exchange(client, older, verifier).json == {
        "error": "invalid_grant", "error_description": "Invalid authorization code."}
    assert invitation_exchange(client, newer, "wrong-verifier-" + "x" * 40).json["error"] == "invalid_grant"
    expired = issue_invitation_code(app.exchange, patient, lifetime=1)
    m.AuthorizationCode.update(expires=m.utcnow() - datetime.timedelta(seconds=1)).where(
        m.AuthorizationCode.patient == patient.id).execute()
    assert invitation_exchange(client, expired, verifier).json["error_description"] == \
        "The authorization code has expired."
    stored = m.AuthorizationCode.get(m.AuthorizationCode.patient == patient.id)
    assert stored.code_challenge == s256(verifier) and stored.code_hash != expired
