"""``jhe omh validate`` and ``jhe omh schemas``, reached through the ``jhe`` command line."""

import json

import pytest
from click.testing import CliRunner

from jhe_core.cli import cli, load_plugin_commands

from omh_datapoints import SCHEMA_IDS, data_point, observation


@pytest.fixture(scope="module")
def run():
    load_plugin_commands()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def write(tmp_path, name, content) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_schemas_lists_every_data_type(run):
    result = run("omh", "schemas")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines()]
    assert listed == SCHEMA_IDS
    assert "omh:blood-glucose:4.0" in result.output and "Blood Glucose" in result.output


def test_valid_files_pass(run, tmp_path):
    files = [write(tmp_path, f"{i}.json", data_point(sid)) for i, sid in enumerate(SCHEMA_IDS)]
    files.append(write(tmp_path, "observation.json", observation(data_point("omh:heart-rate:2.0"), "omh:heart-rate:2.0")))
    result = run("omh", "validate", *files)
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(files)


def test_problems_are_printed_with_their_paths_and_exit_1(run, tmp_path):
    bad = data_point("omh:blood-glucose:4.0")
    bad["body"]["blood_glucose"]["unit"] = "mmol"
    bad["header"]["source_creation_date_time"] = "yesterday"
    good = write(tmp_path, "good.json", data_point("omh:heart-rate:2.0"))
    bad_path = write(tmp_path, "bad.json", bad)
    result = run("omh", "validate", good, bad_path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{good}: ok",
        f"{bad_path}: header.source_creation_date_time: 'yesterday' is not a 'date-time'",
        f"{bad_path}: body.blood_glucose.unit: 'mmol' is not one of ['mg/dL', 'mmol/L']",
    ]


@pytest.mark.parametrize("content, message", [
    ("{not json", "not JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    ({"header": {}, "body": {}}, "header.schema_id: needs namespace, name and version to choose the body schema"),
    (observation(None, encoded="***"), "valueAttachment.data: is not valid base64"),
    (observation(None, encoded="//79"), "valueAttachment.data: is not UTF-8 text (byte 0)"),
    (observation(None, encoded="bm90IGpzb24="), "valueAttachment.data: is not JSON: Expecting value at line 1 column 1"),
    (observation(data_point("omh:heart-rate:2.0"), "omh:body-weight:2.0"),
     "code.coding[0].code: no Open mHealth schema is known for code 'omh:body-weight:2.0'"),
])
def test_unreadable_files(run, tmp_path, content, message):
    path = write(tmp_path, "point.json", content)
    result = run("omh", "validate", path)
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}: {message}")
