"""Every core CLI command through click's runner, and a real ``jhe serve`` process."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import click
import pytest
from click.testing import CliRunner

from jhe_core import hookimpl
from jhe_core import models as m
from jhe_core.cli import cli, load_plugin_commands
from jhe_core.db import bind
from jhe_core.migrations import drop_everything
from jhe_core.testing import MEMORY_URL, database_url_for_tests


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cli-data")
    url = database_url_for_tests()
    if url == MEMORY_URL:
        url = f"sqlite:///{data_dir / 'jhe.db'}"
    else:
        db = bind(url)
        with db.connection_context():
            drop_everything(db)
    return {"JHE_DATABASE_URL": url, "JHE_DATA_DIR": str(data_dir), "JHE_CONFIG": ""}


@pytest.fixture(scope="module")
def run(env):
    load_plugin_commands()
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)
    return invoke


def test_init_creates_data_directory_and_database(run, env):
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "initialised" in result.output
    assert os.path.isdir(env["JHE_DATA_DIR"])


def test_migrate_reports_version(run):
    result = run("migrate")
    assert result.exit_code == 0 and "core schema version 3" in result.output


def test_seed_demo_twice_changes_nothing(run):
    first = run("seed", "--demo")
    assert first.exit_code == 0, first.output
    assert "3 patients" in first.output and "jhe-demo-2024" in first.output
    counts = (m.User.select().count(), m.Patient.select().count(), m.StudyPatientScopeConsent.select().count(),
              m.Observation.select().count())
    second = run("seed", "--demo")
    assert "0 patients" in second.output
    assert (m.User.select().count(), m.Patient.select().count(), m.StudyPatientScopeConsent.select().count(),
            m.Observation.select().count()) == counts
    assert m.Patient.get_by_id(10001).name_family == "Smith"
    assert m.CodeableConcept.get_by_id(1).coding_code == "omh:blood-glucose:4.0"
    assert m.DataSource.get_by_id(70001).name == "iHealth"


def test_user_create_and_password(run):
    created = run("user", "create", "New.Person@Example.com", "--password", "long-enough-1",
                  "--first-name", "New", "--last-name", "Person")
    assert created.exit_code == 0 and "new.person@example.com" in created.output
    user = m.User.get(m.User.email == "new.person@example.com")
    assert user.password_hash.startswith("scrypt$") and "long-enough-1" not in user.password_hash
    old_hash = user.password_hash
    changed = run("user", "password", "new.person@example.com", "--password", "another-long-2")
    assert changed.exit_code == 0
    assert m.User.get_by_id(user.id).password_hash != old_hash


@pytest.mark.parametrize("args, message", [
    (("user", "create", "new.person@example.com", "--password", "long-enough-1"), "already exists"),
    (("user", "create", "not-an-email", "--password", "long-enough-1"), "valid email"),
    (("user", "create", "short@example.com", "--password", "short"), "at least 8 characters"),
    (("user", "password", "nobody@example.com", "--password", "long-enough-1"), "No user"),
])
def test_user_mistakes_are_one_line_errors(run, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_plugins_lists_names_versions_and_hooks(run):
    result = run("plugins", "--json")
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert {"core.auth", "core.fhir", "omh", "admin", "email", "portal", "commonhealth"} <= set(rows)
    assert "register_routes" in rows["core.health"]["hooks"]
    assert rows["omh"]["source"] == "entry point" and rows["omh"]["version"]
    assert "omh" in run("plugins").output


def test_routes_lists_paths_methods_and_plugins(run):
    output = run("routes").output
    assert any(line.startswith("/health") and "GET" in line and "core.health" in line
               for line in output.splitlines())


def test_config_prints_effective_config_with_secrets_masked(run, env, tmp_path):
    path = tmp_path / "jhe.toml"
    path.write_text('[auth]\npatient_code_verifier = {"$env" = "CLI_TEST_VERIFIER"}\n')
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(path), "config"],
                           env={**env, "CLI_TEST_VERIFIER": "very-secret-value"})
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["auth"]["patient_code_verifier"] == "***"
    assert "very-secret-value" not in result.output


def test_bad_config_is_one_line_error(env, tmp_path):
    path = tmp_path / "jhe.toml"
    path.write_text("[server]\nport = \"eighty\"\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "config"], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == 'Error: server.port: expected integer, got "eighty"'


def test_hook_register_commands_adds_plugin_commands():
    group = click.Group("jhe")

    class Sample:
        @hookimpl
        def register_commands(self, cli):
            @click.command("hello")
            def hello():
                click.echo("hello from a plugin")
            cli.add_command(hello)

    from jhe_core.config import load_config
    from jhe_core.plugins import call_each, make_plugin_manager
    pm, _ = make_plugin_manager(load_config(overrides={"plugins": {"enabled": []}}, environ={}),
                                plugins=[("sample", Sample())])
    call_each(pm, "register_commands", cli=group)
    assert CliRunner().invoke(group, ["hello"]).output == "hello from a plugin\n"
    assert "omh" in cli.commands  # the in-tree OMH plugin added its group to the real CLI


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_subprocess_answers_health(env, tmp_path):
    port = _free_port()
    data_dir = tmp_path / "serve-data"
    child_env = {**os.environ, **env, "JHE_DATA_DIR": str(data_dir)}
    if env["JHE_DATABASE_URL"].startswith("sqlite"):
        child_env["JHE_DATABASE_URL"] = f"sqlite:///{data_dir / 'jhe.db'}"
    process = subprocess.Popen([sys.executable, "-m", "jhe_core", "serve", "--port", str(port),
                                "--workers", "2", "--demo"], env=child_env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    body = json.loads(response.read())
                    break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        assert body is not None, process.stdout.read().decode() if process.poll() is not None else "no answer"
        assert body["status"] == "ok" and body["version"]
        assert data_dir.is_dir()
    finally:
        process.terminate()
        process.wait(timeout=15)
