"""The data-source plugin kit: the example plugin (examples/jhe-oura, installed like any
third-party plugin), the plugin-author helpers of ``jhe_core.testing`` and ``jhe plugin new``."""

import base64
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
import falcon.testing
import pytest
from click.testing import CliRunner

from jhe_core import models as m
from jhe_core.cli import cli
from jhe_core.config import load_config
from jhe_core.plugins import call_each, make_plugin_manager
from jhe_core.testing import (MEMORY_URL, api_list, attachment_data, entry_statuses,
                              grant_consent, make_test_app, read_back, token_for_patient, upload)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "jhe-oura"
EXPORT = json.loads((EXAMPLE / "tests" / "data" / "oura-export.json").read_text())
HEART_RATE, ACTIVITY, GLUCOSE = "omh:heart-rate:2.0", "ieee:physical-activity:1.0", "omh:blood-glucose:4.0"
IMPORT = "/api/v1/oura/patients/{}/import"


@pytest.fixture(scope="module", autouse=True)
def example_installed():
    if "oura" not in {ep.name for ep in entry_points(group="jhe")}:
        pytest.fail("the example plugin is not installed: pip install -e examples/jhe-oura (tests/run does)")


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("kit-cli")
    return {"JHE_DATABASE_URL": f"sqlite:///{data_dir / 'jhe.db'}", "JHE_DATA_DIR": str(data_dir), "JHE_CONFIG": ""}


def run_cli(env, *args):
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def commands_added(config) -> set[str]:
    group = click.Group("jhe")
    pm, _ = make_plugin_manager(config)
    call_each(pm, "register_commands", cli=group)
    return set(group.commands)


# -------------------------------------------------------------------------
# Installed, listed, disabled by config
# -------------------------------------------------------------------------


def test_example_is_listed_as_an_entry_point_plugin(cli_env):
    rows = {row["name"]: row for row in json.loads(run_cli(cli_env, "plugins", "--json"))}
    assert rows["oura"]["source"] == "entry point" and rows["oura"]["version"] == "0.1.0"
    assert {"register_config_schemas", "register_data_sources", "register_routes",
            "register_commands"} <= set(rows["oura"]["hooks"])
    routes = run_cli(cli_env, "routes").splitlines()
    assert any(line.startswith("/api/v1/oura/patients/") and "POST" in line and line.endswith("oura")
               for line in routes)
    assert "oura" in commands_added(load_config(overrides={}, environ={}))


def test_disabling_the_example_by_config_removes_it(cli_env, tmp_path):
    config_file = tmp_path / "jhe.toml"
    config_file.write_text('[plugins]\ndisabled = ["oura"]\n')
    rows = json.loads(run_cli(cli_env, "--config", str(config_file), "plugins", "--json"))
    assert "oura" not in {row["name"] for row in rows} and "omh" in {row["name"] for row in rows}
    assert "/api/v1/oura" not in run_cli(cli_env, "--config", str(config_file), "routes")
    assert "oura" not in commands_added(load_config(str(config_file), environ={}))

    app = make_test_app(disabled=["oura"], demo=False, database_url=MEMORY_URL)
    assert not m.DataSource.select().where(m.DataSource.name == "Oura Ring").exists()
    answer = falcon.testing.TestClient(app).simulate_post(IMPORT.format(10001), json=EXPORT)
    assert answer.status_code == 404


# -------------------------------------------------------------------------
# The example through the public APIs (this module's app loads every installed plugin)
# -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oura_id(app, client, tokens):
    sources = {source["name"]: source for source in api_list(client, tokens["manager"], "/api/v1/data_sources")}
    return sources["Oura Ring"]["id"]


@pytest.fixture(scope="module")
def consented(app, oura_id):
    """John Smith shares both Oura codes in the Cardiac Health Study, which uses the Oura Ring."""
    app.exchange.activate()
    grant_consent(10001, 10002, [HEART_RATE, ACTIVITY], data_source=oura_id)


def test_example_data_source_is_in_the_catalogue(client, tokens, oura_id):
    sources = {source["name"]: source for source in api_list(client, tokens["viewer"], "/api/v1/data_sources")}
    oura = sources["Oura Ring"]
    assert oura["type"] == "personal_device" and oura_id >= 80001
    assert {scope["codingCode"] for scope in oura["supportedScopes"]} == {HEART_RATE, ACTIVITY}
    assert sources["iHealth"]["id"] == 70001  # the guides' ids are untouched


def test_vendor_payload_is_converted_stored_and_searchable(client, headers, tokens, oura_id, consented):
    result = client.simulate_post(IMPORT.format(10001), json=EXPORT, headers=headers["member"])
    assert result.status_code == 201, result.text
    assert (result.json["created"], result.json["unchanged"]) == (4, 0)

    heart_rates = read_back(client, tokens["manager"], 10001, HEART_RATE)
    assert len(heart_rates) == 3 and {obs["device"]["reference"] for obs in heart_rates} == {f"Device/{oura_id}"}
    assert sorted(attachment_data(obs)["body"]["heart_rate"]["value"] for obs in heart_rates) == [58.0, 61.0, 64.0]
    [activity] = read_back(client, token_for_patient(10001), 10001, ACTIVITY)  # the patient reads their own
    assert attachment_data(activity)["body"]["base_movement_quantity"] == {"value": 8123, "unit": "steps"}

    rows = api_list(client, tokens["manager"], "/api/v1/observations", patient_id=10001)
    assert sorted(row["codingCode"] for row in rows if row["dataSource"] == oura_id) == [ACTIVITY] + [HEART_RATE] * 3


def test_reimport_is_idempotent(client, headers, tokens, consented):
    first = client.simulate_post(IMPORT.format(10001), json=EXPORT, headers=headers["member"]).json
    again = client.simulate_post(IMPORT.format(10001), json=EXPORT, headers=headers["member"])
    assert again.status_code == 200
    assert (again.json["created"], again.json["unchanged"]) == (0, 4)
    assert [row["outcome"] for row in again.json["results"]] == ["unchanged"] * 4
    assert [row["observationId"] for row in again.json["results"]] == [row["observationId"] for row in first["results"]]
    assert len(read_back(client, tokens["manager"], 10001, HEART_RATE)) == 3


def test_import_without_consent_is_refused_with_the_cores_reason(client, headers, tokens, consented):
    result = client.simulate_post(IMPORT.format(10002), json=EXPORT, headers=headers["manager"])
    assert result.status_code == 403
    assert result.json["detail"].endswith(
        f"Patient/10002 has not consented to share {HEART_RATE} in a study they are enrolled in.")
    assert read_back(client, tokens["manager"], 10002, HEART_RATE) == []


# -------------------------------------------------------------------------
# jhe_core.testing helpers for plugin authors
# -------------------------------------------------------------------------


def glucose_observation(patient_id, device_id, value, identifier):
    point = {"header": {"uuid": "7f2c2e5e-3a0c-4b52-9c32-1b5c3b1f2a10",
                        "schema_id": {"namespace": "omh", "name": "blood-glucose", "version": "4.0"},
                        "source_creation_date_time": "2024-03-01T08:00:00Z"},
             "body": {"blood_glucose": {"value": value, "unit": "mg/dL"},
                      "effective_time_frame": {"date_time": "2024-03-01T08:00:00Z"}}}
    return {"resourceType": "Observation", "status": "final",
            "identifier": [{"system": "https://example.org/kit-test", "value": identifier}],
            "code": {"coding": [{"system": "https://w3id.org/openmhealth", "code": GLUCOSE}]},
            "subject": {"reference": f"Patient/{patient_id}"}, "device": {"reference": f"Device/{device_id}"},
            "valueAttachment": {"contentType": "application/json",
                                "data": base64.b64encode(json.dumps(point).encode()).decode()}}


def test_upload_and_read_back_helpers(client, tokens):
    entries = upload(client, tokens["member"], [
        glucose_observation(10001, 70001, 101, "kit-1"),  # consented, iHealth is the study's device
        glucose_observation(10001, 70005, 102, "kit-2"),  # Omron is not a device of that study
    ])
    assert entry_statuses(entries) == [201, 403]
    found = read_back(client, tokens["manager"], 10001, f"https://w3id.org/openmhealth|{GLUCOSE}")
    mine = [obs for obs in found if obs["identifier"][0]["system"] == "https://example.org/kit-test"]
    assert [attachment_data(obs)["body"]["blood_glucose"]["value"] for obs in mine] == [101]
    with pytest.raises(AssertionError, match="upload refused: 4"):
        upload(client, tokens["member"], [glucose_observation(10001, 70005, 103, "kit-3")], transaction=True)


# -------------------------------------------------------------------------
# jhe plugin new
# -------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["Bad Name"], "plugin name 'Bad Name' must be lowercase letters and digits"),
    (["oura"], "a plugin named 'oura' is already installed"),
    (["core.auth"], "plugin name 'core.auth' must be"),
])
def test_plugin_new_refuses_bad_names(args, message, tmp_path):
    result = CliRunner().invoke(cli, ["plugin", "new", *args, "--directory", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output
    assert list(tmp_path.iterdir()) == []


def test_plugin_new_refuses_an_existing_folder(tmp_path):
    (tmp_path / "jhe-steps").mkdir()
    result = CliRunner().invoke(cli, ["plugin", "new", "steps", "--directory", str(tmp_path)])
    assert result.exit_code == 1 and "jhe-steps already exists" in result.output


def _subprocess_env():
    # The generated test runs on its own in-memory database, never on this suite's PostgreSQL.
    return {k: v for k, v in os.environ.items() if not k.startswith("JHE_")}


@pytest.mark.slow
def test_plugin_new_output_installs_loads_and_passes_its_own_test(tmp_path):
    name = f"kitprobe{os.getpid()}"
    result = CliRunner().invoke(cli, ["plugin", "new", name, "--directory", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / f"jhe-{name}"
    assert f"{name} = \"jhe_{name}\"" in (root / "pyproject.toml").read_text()
    # Installed into a folder of its own, seen only by the subprocesses below: the suite's
    # environment never holds a half-installed plugin, even if this test is interrupted.
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    installed = subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(root)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    env = {**_subprocess_env(), "PYTHONPATH": str(site)}
    loaded = subprocess.run(
        [sys.executable, "-c", "from jhe_core.config import load_config; from jhe_core.plugins import "
         "make_plugin_manager; pm, info = make_plugin_manager(load_config(overrides={}, environ={})); "
         f"print(info['{name}'].source, [i.name for i in pm.get_hookcallers(pm.get_plugin('{name}'))])"],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert loaded.stdout.strip() == "entry point ['register_routes']", loaded.stderr
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                            capture_output=True, text=True, env=env)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout
    assert name not in {ep.name for ep in entry_points(group="jhe")}


@pytest.mark.slow
def test_example_plugins_own_tests_pass():
    """Last in this module: on PostgreSQL it rebuilds the shared test database."""
    env = {**os.environ}
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=EXAMPLE,
                            capture_output=True, text=True, env=env)
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]
