"""Config switches of the authorization server: password grant off, HTTPS required, a
configured patient PKCE pair, a configured signing key."""

from urllib.parse import urlencode

import falcon.testing
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth_helpers import FORM, PASSWORD

from jhe_core import models as m
from jhe_core.auth.keys import load_signing_key
from jhe_core.config import ConfigError, load_config
from jhe_core.services.invitations import issue_invitation_code, load_patient_pkce, s256
from jhe_core.testing import make_test_app

VERIFIER = "static-verifier-for-tests-0123456789-abcdefghijklmnop"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("key") / "signing.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()))
    return path


@pytest.fixture(scope="module")
def app(key_file):
    return make_test_app(enabled=[], config={"auth": {
        "password_grant": False, "require_https": True, "patient_code_verifier": VERIFIER,
        "signing_key_file": str(key_file)}})


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


def token_request(client, fields, protocol="https", host="jhe.example.org"):
    return client.simulate_post("/o/token/", body=urlencode(fields), headers={**FORM, "Host": host},
                                protocol=protocol)


def test_password_grant_can_be_switched_off(client):
    response = token_request(client, {"grant_type": "password", "username": "practitioner@example.com",
                                      "password": PASSWORD, "client_id": "jhe-cli"})
    assert response.status_code == 400 and response.json == {"error": "unsupported_grant_type"}
    doc = client.simulate_get("/o/.well-known/openid-configuration", protocol="https").json
    assert "password" not in doc["grant_types_supported"]


def test_plain_http_is_refused_except_locally(client):
    response = token_request(client, {"grant_type": "client_credentials"}, protocol="http")
    assert response.status_code == 400
    assert response.json == {"error": "invalid_request", "error_description": "HTTPS is required."}
    page = client.simulate_get("/o/authorize/", params={"client_id": "jhe-cli"}, headers={"Host": "jhe.example.org"})
    assert page.status_code == 400 and "HTTPS" in page.text
    behind_proxy = client.simulate_post("/o/token/", body="grant_type=client_credentials&client_id=x", protocol="http",
                                        headers={**FORM, "Host": "jhe.example.org", "X-Forwarded-Proto": "https"})
    assert behind_proxy.json["error"] == "invalid_client"  # past the HTTPS check
    local = token_request(client, {"grant_type": "client_credentials", "client_id": "x"}, protocol="http",
                          host="localhost")
    assert local.json["error"] == "invalid_client"


def test_configured_patient_verifier_is_used(app, client):
    code = issue_invitation_code(app.exchange, m.Patient.get_by_id(10001))
    response = token_request(client, {"grant_type": "authorization_code", "code": code, "client_id": "jhe-mobile",
                                      "redirect_uri": "https://jhe.yourdomain.com/auth/callback",
                                      "code_verifier": VERIFIER})
    assert response.status_code == 200, response.text
    assert not (app.exchange.config.data_dir / "keys" / "patient-pkce.json").exists()


def test_configured_signing_key_signs_id_tokens(app, client, key_file):
    code = issue_invitation_code(app.exchange, m.Patient.get_by_id(10002))
    body = token_request(client, {"grant_type": "authorization_code", "code": code, "client_id": "jhe-mobile",
                                  "redirect_uri": "https://jhe.yourdomain.com/auth/callback",
                                  "code_verifier": VERIFIER}).json
    public = serialization.load_pem_private_key(key_file.read_bytes(), None).public_key()
    claims = jwt.decode(body["id_token"], public, algorithms=["RS256"], audience="jhe-mobile")
    assert claims["iss"] == "https://jhe.example.org/o"
    jwks = client.simulate_get("/o/.well-known/jwks.json", protocol="https").json
    assert [k["kid"] for k in jwks["keys"]] == [jwt.get_unverified_header(body["id_token"])["kid"]]


def test_mismatched_patient_pair_and_unreadable_key_are_config_errors(tmp_path):
    bad = load_config(overrides={"data_dir": str(tmp_path), "auth": {
        "patient_code_verifier": VERIFIER, "patient_code_challenge": "not-it"}}, environ={})
    with pytest.raises(ConfigError, match="patient_code_challenge"):
        load_patient_pkce(bad)
    only_challenge = load_config(overrides={"data_dir": str(tmp_path), "auth": {
        "patient_code_challenge": s256(VERIFIER)}}, environ={})
    assert load_patient_pkce(only_challenge) == ("", s256(VERIFIER))
    missing = load_config(overrides={"data_dir": str(tmp_path), "auth": {
        "signing_key_file": str(tmp_path / "none.pem")}}, environ={})
    with pytest.raises(ConfigError, match="signing_key_file"):
        load_signing_key(missing)


def test_generated_keys_persist_in_the_data_directory(tmp_path):
    config = load_config(overrides={"data_dir": str(tmp_path)}, environ={})
    first, second = load_signing_key(config), load_signing_key(config)
    assert first.kid == second.kid
    assert (tmp_path / "keys" / "oidc-signing-key.pem").stat().st_mode & 0o077 == 0
    assert load_patient_pkce(config) == load_patient_pkce(config)
