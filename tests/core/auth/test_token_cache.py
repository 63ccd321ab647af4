"""Each worker remembers live access tokens for ``auth.token_cache_seconds``: what that saves,
what still takes effect at once (revocation, account deletion, expiry, deactivation), and the
cache's own bounds."""

import base64
import datetime
import time
from urllib.parse import urlencode

import falcon.testing
import pytest

from jhe_core import models as m
from jhe_core.auth import clients
from jhe_core.auth.token_cache import TokenCache
from jhe_core.auth.tokens import hash_secret
from jhe_core.testing import MEMORY_URL, auth_headers, make_test_app, token_for

ME = "/api/v1/users/profile"
PRACTITIONER = "practitioner@example.com"


@pytest.fixture(scope="module")
def app():
    return make_test_app(config={"auth": {"token_cache_seconds": 0.5}})


@pytest.fixture(scope="module")
def client(app):
    return falcon.testing.TestClient(app)


def status(client, token):
    return client.simulate_get(ME, headers=auth_headers(token)).status_code


def drop_row_behind_the_servers_back(token):
    """What another worker's revocation looks like from this one: the row changes, this
    worker is not told."""
    m.AccessToken.update(revoked=m.utcnow()).where(m.AccessToken.token_hash == hash_secret(token)).execute()


def test_a_live_token_is_remembered_for_the_configured_seconds(client):
    token = token_for(PRACTITIONER)
    assert status(client, token) == 200
    drop_row_behind_the_servers_back(token)
    assert status(client, token) == 200  # still remembered: no query was made
    time.sleep(0.6)
    response = client.simulate_get(ME, headers=auth_headers(token))
    assert response.status_code == 401 and "revoked" in response.json["detail"]


def test_revoking_through_the_api_takes_effect_at_once(client):
    created, secret = clients.create_client("cache-revoker", client_type="confidential",
                                            grant_types=["client_credentials"])
    user = m.User.get(m.User.email == PRACTITIONER)
    from jhe_core.auth.tokens import issue_tokens
    token = issue_tokens(client.app.exchange.config, user=user, client=created, scopes=("read",),
                         refresh=False)["access_token"]
    assert status(client, token) == 200
    basic = base64.b64encode(f"{created.client_id}:{secret}".encode()).decode()
    revoked = client.simulate_post("/o/revoke_token/", body=urlencode({"token": token}), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"})
    assert revoked.status_code == 200, revoked.text
    assert status(client, token) == 401


def test_deleting_a_patient_forgets_their_token_at_once(client):
    patient = m.Patient.create(name_family="Cache", name_given="Kim", birth_date=datetime.date(1990, 1, 1),
                               user=m.User.create(email="cache.kim@example.com", user_type="patient"))
    token = token_for("cache.kim@example.com")
    assert status(client, token) == 200
    from jhe_core.services.patients import delete_patient_entirely
    delete_patient_entirely(patient)
    assert status(client, token) == 401


def test_a_remembered_token_is_refused_once_it_expires(client):
    token = token_for(PRACTITIONER)
    row = m.AccessToken.get(m.AccessToken.token_hash == hash_secret(token))
    row.expires = m.utcnow() + datetime.timedelta(seconds=0.25)
    row.save()
    assert status(client, token) == 200
    time.sleep(0.3)  # past the token's expiry, within the cache's 0.5 s
    response = client.simulate_get(ME, headers=auth_headers(token))
    assert response.status_code == 401 and "expired" in response.json["detail"]


def test_introspection_reads_the_database(client):
    created, secret = clients.create_client("cache-introspector", client_type="confidential",
                                            grant_types=["client_credentials"])
    token = token_for(PRACTITIONER)
    assert status(client, token) == 200
    drop_row_behind_the_servers_back(token)
    basic = base64.b64encode(f"{created.client_id}:{secret}".encode()).decode()
    answer = client.simulate_post("/o/introspect/", body=urlencode({"token": token}), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"})
    assert answer.status_code == 200 and answer.json == {"active": False}


def test_zero_seconds_turns_the_cache_off():
    app = make_test_app(database_url=MEMORY_URL, config={"auth": {"token_cache_seconds": 0}})
    client = falcon.testing.TestClient(app)
    token = token_for(PRACTITIONER)
    assert status(client, token) == 200
    drop_row_behind_the_servers_back(token)
    assert status(client, token) == 401


def test_an_entry_never_outlives_its_token_and_the_cache_is_bounded():
    cache = TokenCache(seconds=60, max_entries=3)
    cache.put("expired", "found", seconds_left=-1)
    cache.put("at-expiry", "found", seconds_left=0)
    assert cache.get("expired") is None and cache.get("at-expiry") is None
    cache.put("short", "found", seconds_left=0.05)
    assert cache.get("short") == "found"
    time.sleep(0.06)
    assert cache.get("short") is None
    for name in ("a", "b", "c", "d"):
        cache.put(name, name, seconds_left=60)
    assert [cache.get(name) for name in "abcd"] == [None, "b", "c", "d"]
