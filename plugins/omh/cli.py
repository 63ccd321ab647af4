"""``jhe omh``: validate data point files and list the supported data types.

``jhe omh validate FILE...`` takes Open mHealth data points (``{"header", "body"}``, the body
schema named by ``header.schema_id``) or FHIR Observations carrying one in ``valueAttachment``
(the schema named by the Observation's code).
"""

import json

import click

from jhe_plugins.omh.attachment import AttachmentError, decode_attachment
from jhe_plugins.omh.catalog import default_catalog
from jhe_plugins.omh.codes import OMH_SYSTEM, display_text
from jhe_plugins.omh.validation import validate_data_point


@click.group("omh")
def omh_group():
    """Open mHealth data points: validate files, list the supported schemas."""


@omh_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def validate_command(files):
    """Validate data point (or FHIR Observation) files; print each problem with its path."""
    failed = 0
    for path in files:
        problems = file_problems(path)
        if problems:
            failed += 1
            for problem in problems:
                click.echo(f"{path}: {problem}")
        else:
            click.echo(f"{path}: ok")
    if failed:
        raise click.exceptions.Exit(1)


def file_problems(path: str) -> list[str]:
    """The problems of one file, as ``path: reason`` lines."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except UnicodeDecodeError:
        return ["not UTF-8 text"]
    except json.JSONDecodeError as error:
        return [f"not JSON: {error.msg} at line {error.lineno} column {error.colno}"]
    if isinstance(document, dict) and document.get("resourceType") == "Observation":
        code = observation_code(document)
        if code is None:
            return [f"code.coding: no coding with system {OMH_SYSTEM}"]
        try:
            document = decode_attachment(document)
        except AttachmentError as error:
            return [error.issue.text()]
    else:
        code = declared_schema_id(document)
        if code is None:
            return ["header.schema_id: needs namespace, name and version to choose the body schema"]
    return [issue.text() for issue in validate_data_point(document, code)]


def observation_code(observation: dict) -> str | None:
    codings = (observation.get("code") or {}).get("coding") or []
    return next((c.get("code") for c in codings if isinstance(c, dict) and c.get("system") == OMH_SYSTEM), None)


def declared_schema_id(data_point) -> str | None:
    header = data_point.get("header") if isinstance(data_point, dict) else None
    declared = header.get("schema_id") if isinstance(header, dict) else None
    if not isinstance(declared, dict):
        return None
    parts = [declared.get(field) for field in ("namespace", "name", "version")]
    return ":".join(parts) if all(isinstance(p, str) and p for p in parts) else None


@omh_group.command("schemas")
def schemas_command():
    """List the supported data types and versions, with their codes."""
    catalog = default_catalog()
    for schema_id in catalog.data_types():
        deprecated = " (deprecated by its publisher)" if catalog.schema(schema_id).get("deprecation") else ""
        click.echo(f"{str(schema_id):<45} {display_text(schema_id)}{deprecated}")
