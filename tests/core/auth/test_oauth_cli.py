"""``jhe client create|list|delete`` and ``jhe token`` through click's runner."""

import json

import falcon.testing
import pytest
from click.testing import CliRunner

from jhe_core.cli import cli, load_plugin_commands
from jhe_core.testing import MEMORY_URL, database_url_for_tests, make_test_app


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("oauth-cli")
    url = database_url_for_tests()
    if url == MEMORY_URL:
        url = f"sqlite:///{data_dir / 'jhe.db'}"
    app = make_test_app(enabled=[], database_url=url, data_dir=str(data_dir))  # demo users and clients
    return {"JHE_DATABASE_URL": url, "JHE_DATA_DIR": str(data_dir), "JHE_CONFIG": "",
            "JHE_PLUGINS__ENABLED": "[]"}, app


@pytest.fixture(scope="module")
def run(env):
    load_plugin_commands()
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), env=env[0], catch_exceptions=False)
    return invoke


def test_create_public_client_and_list_it(run):
    result = run("client", "create", "notebook", "--redirect-uri", "http://localhost:8888/cb",
                 "--redirect-uri", "/notebook/callback", "--grant-type", "authorization_code",
                 "--grant-type", "refresh_token")
    assert result.exit_code == 0, result.output
    assert "created public client notebook" in result.output and "secret" not in result.output
    listed = json.loads(run("client", "list", "--json").output)
    (row,) = [r for r in listed if r["client_id"] == "notebook"]
    assert row["redirect_uris"] == ["http://localhost:8888/cb", "/notebook/callback"]
    assert row["grant_types"] == ["authorization_code", "refresh_token"] and row["consent"] is False
    assert "jhe-portal" in run("client", "list").output


def test_confidential_client_secret_is_printed_once_and_works(run, env):
    result = run("client", "create", "etl", "--type", "confidential", "--grant-type", "client_credentials")
    assert result.exit_code == 0, result.output
    secret = result.output.split("store it now): ")[1].strip()
    client = falcon.testing.TestClient(env[1])
    response = client.simulate_post("/o/token/", body=f"grant_type=client_credentials&client_id=etl&client_secret={secret}",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200, response.text
    assert secret not in run("client", "list", "--json").output


@pytest.mark.parametrize("args, message", [
    (["client", "create", "etl"], "already exists"),
    (["client", "create", "spa"], "needs at least one redirect URI"),
    (["client", "create", "x", "--grant-type", "client_credentials"], "needs a confidential client"),
    (["client", "create", "y", "--redirect-uri", "javascript:alert(1)"], "must be an absolute URI"),
    (["client", "delete", "nope"], "No client with id 'nope'"),
    (["token", "--user", "nobody@example.com"], "No active user"),
    (["token", "--user", "practitioner@example.com", "--scope", "admin"], "Unknown scope 'admin'"),
])
def test_mistakes_are_one_line_errors(run, args, message):
    result = run(*args)
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_token_prints_a_working_access_token(run, env):
    result = run("token", "--user", "practitioner@example.com", "--scope", "openid", "--scope", "read")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    client = falcon.testing.TestClient(env[1])
    profile = client.simulate_get("/o/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert profile.status_code == 200 and profile.json["email"] == "practitioner@example.com"


def test_delete_client_removes_it_and_its_tokens(run, env):
    assert run("client", "delete", "etl").exit_code == 0
    assert "etl" not in [r["client_id"] for r in json.loads(run("client", "list", "--json").output)]
