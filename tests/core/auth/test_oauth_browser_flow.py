"""The authorization-code + PKCE flow over real HTTP, as a browser and the guide's curl commands
drive it: authorize -> sign-in form -> credentials -> redirect with code and state -> token."""

import datetime
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from oauth_helpers import FORM, PASSWORD, form_field, pkce_pair

from jhe_core import models as m
from jhe_core.auth import clients
from jhe_core.testing import make_test_app, serve_in_thread


@pytest.fixture(scope="module")
def app():
    return make_test_app(enabled=[])


@pytest.fixture(scope="module")
def base(app):
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def consent_client(app):
    with app.exchange.db.connection_context():
        client, _ = clients.create_client("third-party", name="Third Party App",
                                          redirect_uris=["http://localhost:9999/cb"], skip_authorization=False)
    return client


def authorize_params(challenge, *, client_id="jhe-cli", redirect_uri="http://localhost:8000/auth/callback",
                     scope="openid read write", state="xyz-state", **extra):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "code_challenge": challenge, "code_challenge_method": "S256", "scope": scope, "state": state}
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


def sign_in(session, base, params, email="practitioner@example.com", password=PASSWORD):
    """GET /o/authorize/, fill in the sign-in form, follow redirects up to the client's callback."""
    page = session.get(f"{base}/o/authorize/", params=params, allow_redirects=False)
    assert page.status_code == 200 and 'name="password"' in page.text, page.text
    assert not re.search(r"<script|<link|<img|src=|url\(", page.text), "the sign-in page loads nothing external"
    posted = session.post(f"{base}/o/login/", data={
        "csrf_token": form_field(page.text, "csrf_token"), "next": form_field(page.text, "next"),
        "username": email, "password": password}, allow_redirects=False)
    assert posted.status_code == 303, posted.text
    back = session.get(base + posted.headers["Location"], allow_redirects=False)
    return back


def refresh(base, refresh_token, client_id="jhe-cli"):
    return requests.post(f"{base}/o/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                                                 "client_id": client_id})


def userinfo(base, access_token):
    return requests.get(f"{base}/o/userinfo", headers={"Authorization": f"Bearer {access_token}"})


def get_code(base, challenge, **kw):
    session = requests.Session()
    back = sign_in(session, base, authorize_params(challenge, **kw))
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["Location"])
    return session, location, parse_qs(location.query)


def exchange_code(base, code, verifier, *, client_id="jhe-cli", redirect_uri="http://localhost:8000/auth/callback"):
    return requests.post(f"{base}/o/token/", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": client_id,
        "code_verifier": verifier})


def test_discovery_document_lists_absolute_endpoints(base):
    doc = requests.get(f"{base}/o/.well-known/openid-configuration").json()
    assert doc["issuer"] == f"{base}/o"
    assert doc["authorization_endpoint"] == f"{base}/o/authorize/"
    assert doc["token_endpoint"] == f"{base}/o/token/"
    assert doc["userinfo_endpoint"] == f"{base}/o/userinfo/"
    assert doc["revocation_endpoint"] == f"{base}/o/revoke_token/"
    assert doc["introspection_endpoint"] == f"{base}/o/introspect/"
    assert doc["jwks_uri"] == f"{base}/o/.well-known/jwks.json"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "refresh_token", "password", "client_credentials"} == set(doc["grant_types_supported"])
    assert set(doc["scopes_supported"]) == {"openid", "email", "read", "write"}
    assert requests.get(f"{base}/o/.well-known/openid-configuration/").status_code == 200


def test_full_flow_gives_tokens_and_a_verifiable_id_token(base):
    verifier, challenge = pkce_pair()
    _, location, query = get_code(base, challenge, nonce="n-123")
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://localhost:8000/auth/callback"
    assert query["state"] == ["xyz-state"]
    response = exchange_code(base, query["code"][0], verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["access_token", "expires_in", "token_type", "scope", "refresh_token", "id_token"]
    assert body["expires_in"] == 36000 and body["token_type"] == "Bearer" and body["scope"] == "openid read write"
    assert response.headers["Cache-Control"] == "no-store"

    jwks = requests.get(f"{base}/o/.well-known/jwks.json").json()
    header = jwt.get_unverified_header(body["id_token"])
    (key,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    claims = jwt.decode(body["id_token"], jwt.PyJWK(key).key, algorithms=["RS256"], audience="jhe-cli",
                        issuer=f"{base}/o")
    assert claims["nonce"] == "n-123" and claims["sub"] == str(m.User.get(email="practitioner@example.com").id)

    profile = requests.get(f"{base}/o/userinfo/", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert profile.status_code == 200 and profile.json()["email"] == "practitioner@example.com"
    posted = requests.post(f"{base}/o/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert posted.json()["sub"] == claims["sub"]


def test_without_openid_there_is_no_id_token_and_userinfo_refuses(base):
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge, scope="read write")
    body = exchange_code(base, query["code"][0], verifier).json()
    assert "id_token" not in body and body["scope"] == "read write"
    refused = requests.get(f"{base}/o/userinfo/", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"


def test_signed_in_browser_gets_a_code_without_the_form_and_path_redirects_match_this_server(base):
    verifier, challenge = pkce_pair()
    session, _, _ = get_code(base, challenge)
    again = session.get(f"{base}/o/authorize/", params=authorize_params(
        challenge, client_id="jhe-portal", redirect_uri=f"{base}/portal/callback"), allow_redirects=False)
    assert again.status_code == 302
    assert again.headers["Location"].startswith(f"{base}/portal/callback?code=")
    code = parse_qs(urlsplit(again.headers["Location"]).query)["code"][0]
    assert exchange_code(base, code, verifier, client_id="jhe-portal",
                         redirect_uri=f"{base}/portal/callback").status_code == 200


def test_refresh_rotates_and_the_old_pair_stops_working(base):
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    first = exchange_code(base, query["code"][0], verifier).json()
    refreshed = requests.post(f"{base}/o/token", data={"grant_type": "refresh_token",
                                                       "refresh_token": first["refresh_token"], "client_id": "jhe-cli"})
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"] and second["expires_in"] == 36000
    assert "id_token" in second
    replay = requests.post(f"{base}/o/token", data={"grant_type": "refresh_token",
                                                    "refresh_token": first["refresh_token"], "client_id": "jhe-cli"})
    assert replay.status_code == 400
    assert replay.json() == {"error": "invalid_grant", "error_description": "The refresh token has been revoked."}
    old = requests.get(f"{base}/o/userinfo", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert old.status_code == 401 and old.json() == {"detail": "Token has been revoked."}
    assert 'error="invalid_token"' in old.headers["WWW-Authenticate"]


def test_a_rotated_away_refresh_token_presented_again_revokes_its_whole_line(base):
    """RFC 9700 4.14.2: the old token coming back means a copy is in other hands (or the client
    is confused); the tokens rotated from it stop working too."""
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    first = exchange_code(base, query["code"][0], verifier).json()
    second = refresh(base, first["refresh_token"]).json()
    third = refresh(base, second["refresh_token"]).json()
    assert userinfo(base, third["access_token"]).status_code == 200
    replay = refresh(base, first["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert userinfo(base, third["access_token"]).status_code == 401
    assert refresh(base, third["refresh_token"]).status_code == 400


def test_another_sign_in_keeps_its_own_line(base):
    verifier, challenge = pkce_pair()
    mine = exchange_code(base, get_code(base, challenge)[2]["code"][0], verifier).json()
    verifier2, challenge2 = pkce_pair()
    theirs = exchange_code(base, get_code(base, challenge2)[2]["code"][0], verifier2).json()
    rotated = refresh(base, mine["refresh_token"]).json()
    assert refresh(base, mine["refresh_token"]).status_code == 400  # replay: my line is revoked
    assert userinfo(base, rotated["access_token"]).status_code == 401
    assert userinfo(base, theirs["access_token"]).status_code == 200
    assert refresh(base, theirs["refresh_token"]).status_code == 200


def test_bad_verifier_is_invalid_grant(base):
    _, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    response = exchange_code(base, query["code"][0], pkce_pair()[0])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_missing_verifier_is_invalid_request(base):
    _, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    response = requests.post(f"{base}/o/token/", data={
        "grant_type": "authorization_code", "code": query["code"][0], "client_id": "jhe-cli",
        "redirect_uri": "http://localhost:8000/auth/callback"})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Code verifier required."}


def test_reused_code_is_refused_and_revokes_what_it_gave(base):
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    first = exchange_code(base, query["code"][0], verifier)
    assert first.status_code == 200
    again = exchange_code(base, query["code"][0], verifier)
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant", "error_description": "The authorization code has already been used."}
    token = first.json()["access_token"]
    assert requests.get(f"{base}/o/userinfo", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_reused_code_also_revokes_the_tokens_refreshed_since(base):
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    first = exchange_code(base, query["code"][0], verifier).json()
    refreshed = refresh(base, first["refresh_token"]).json()
    assert userinfo(base, refreshed["access_token"]).status_code == 200
    assert exchange_code(base, query["code"][0], verifier).status_code == 400
    assert userinfo(base, refreshed["access_token"]).status_code == 401
    assert refresh(base, refreshed["refresh_token"]).status_code == 400


def test_expired_code_is_refused(base):
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    m.AuthorizationCode.update(expires=m.utcnow() - datetime.timedelta(seconds=1)).where(
        m.AuthorizationCode.used == False).execute()  # noqa: E712
    response = exchange_code(base, query["code"][0], verifier)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "The authorization code has expired."}


def test_token_redirect_uri_must_match_the_authorization_request(base):
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    response = exchange_code(base, query["code"][0], verifier, redirect_uri="http://127.0.0.1:8000/auth/callback")
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert "redirect" in response.json()["error_description"].lower()


def test_code_is_bound_to_its_client(base):
    verifier, challenge = pkce_pair()
    _, _, query = get_code(base, challenge)
    response = exchange_code(base, query["code"][0], verifier, client_id="jhe-mobile")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("params, message", [
    ({"client_id": "no-such-client"}, "Unknown client"),
    ({"client_id": None}, "names no client_id"),
    ({"redirect_uri": "https://evil.example.com/cb"}, "not registered"),
    ({"redirect_uri": "/auth/callback"}, "absolute URI"),
])
def test_unknown_client_and_bad_redirects_show_an_error_page_not_a_redirect(base, params, message):
    _, challenge = pkce_pair()
    response = requests.get(f"{base}/o/authorize/", params=authorize_params(challenge, **params),
                            allow_redirects=False)
    assert response.status_code in (400, 401) and "Location" not in response.headers
    assert message in response.text and response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("params, error", [
    ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"code_challenge_method": None}, "invalid_request"),
    ({"scope": "read admin"}, "invalid_scope"),
    ({"response_type": "token"}, "unsupported_response_type"),
])
def test_other_authorization_errors_go_back_to_the_client(base, params, error):
    _, challenge = pkce_pair()
    response = requests.get(f"{base}/o/authorize/", params=authorize_params(challenge, **params),
                            allow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://localhost:8000/auth/callback"
    query = parse_qs(location.query)
    assert query["error"] == [error] and query["state"] == ["xyz-state"]


def test_bad_password_and_bad_csrf_on_the_form(base):
    session = requests.Session()
    _, challenge = pkce_pair()
    page = session.get(f"{base}/o/authorize/", params=authorize_params(challenge))
    fields = {"csrf_token": form_field(page.text, "csrf_token"), "next": form_field(page.text, "next"),
              "username": "practitioner@example.com"}
    wrong = session.post(f"{base}/o/login/", data={**fields, "password": "wrong-password"}, allow_redirects=False)
    assert wrong.status_code == 400 and "correct email and password" in wrong.text
    assert "jhe_session" not in session.cookies
    forged = requests.post(f"{base}/o/login/", data={**fields, "password": PASSWORD}, allow_redirects=False)
    assert forged.status_code == 403 and "expired" in forged.text


def test_login_does_not_redirect_off_site(base):
    session = requests.Session()
    page = session.get(f"{base}/o/login/", params={"next": "https://evil.example.com/"})
    assert form_field(page.text, "next") == ""
    posted = session.post(f"{base}/o/login/", data={
        "csrf_token": form_field(page.text, "csrf_token"), "next": "//evil.example.com/",
        "username": "practitioner@example.com", "password": PASSWORD}, allow_redirects=False)
    assert posted.status_code == 303 and posted.headers["Location"] == "/o/login/"
    assert "signed in as practitioner@example.com" in session.get(f"{base}/o/login/").text


def test_logout_ends_the_session(base):
    _, challenge = pkce_pair()
    session, _, _ = get_code(base, challenge)
    out = session.post(f"{base}/o/logout/", data={}, allow_redirects=False)
    assert out.status_code == 200 and "signed out" in out.text
    page = session.get(f"{base}/o/authorize/", params=authorize_params(challenge), allow_redirects=False)
    assert page.status_code == 200 and 'name="password"' in page.text
    silent = session.get(f"{base}/o/authorize/", params=authorize_params(challenge, prompt="none"),
                         allow_redirects=False)
    assert silent.status_code == 302 and "error=login_required" in silent.headers["Location"]


def test_third_party_client_asks_for_consent(base, consent_client):
    verifier, challenge = pkce_pair()
    session = requests.Session()
    params = authorize_params(challenge, client_id="third-party", redirect_uri="http://localhost:9999/cb")
    consent = sign_in(session, base, params)
    assert consent.status_code == 200 and "Authorize Third Party App" in consent.text
    fields = {"csrf_token": form_field(consent.text, "csrf_token"), "request": form_field(consent.text, "request")}
    denied = session.post(f"{base}/o/authorize/", data={**fields, "allow": "no"}, allow_redirects=False)
    assert denied.status_code == 302 and "error=access_denied" in denied.headers["Location"]
    allowed = session.post(f"{base}/o/authorize/", data={**fields, "allow": "yes"}, allow_redirects=False)
    assert allowed.status_code == 302
    code = parse_qs(urlsplit(allowed.headers["Location"]).query)["code"][0]
    token = exchange_code(base, code, verifier, client_id="third-party", redirect_uri="http://localhost:9999/cb")
    assert token.status_code == 200
    forged = requests.post(f"{base}/o/authorize/", data={**fields, "allow": "yes"}, allow_redirects=False)
    assert forged.status_code == 403


def test_curl_style_unencoded_form_is_accepted(base):
    body = "grant_type=password&username=practitioner@example.com&password=" + PASSWORD + \
           "&client_id=jhe-cli&scope=read write"
    response = requests.post(f"{base}/o/token/", data=body, headers=FORM)
    assert response.status_code == 200 and response.json()["scope"] == "read write"


def test_token_endpoint_needs_a_form_body(base):
    response = requests.post(f"{base}/o/token/", json={"grant_type": "password"})
    assert response.status_code == 415 and response.json()["error"] == "invalid_request"
    assert requests.post(f"{base}/o/token/?{urlencode({'grant_type': 'password'})}").status_code == 400


def test_garbage_input_gets_4xx_not_500(base):
    session = requests.Session()
    page = session.get(f"{base}/o/login/")
    odd = session.post(f"{base}/o/login/", data={"csrf_token": "é" * 10, "username": "ü@example.com",
                                                 "password": "x"}, allow_redirects=False)
    assert odd.status_code == 403 and page.status_code == 200
    session.cookies.set("jhe_session", "1.2.é", path="/o")
    assert session.get(f"{base}/o/login/").status_code == 200
    for body in ("%%%", "grant_type=authorization_code&code=%FF", "a" * 70000):
        response = requests.post(f"{base}/o/token/", data=body, headers=FORM)
        assert 400 <= response.status_code < 500 and "error" in response.json(), body[:20]
    weird = requests.get(f"{base}/o/authorize/?client_id=jhe-cli&client_id=jhe-portal")
    assert weird.status_code == 400 and "Duplicate" in weird.text
