"""Validating one Open mHealth data point against the code it was sent under.

A data point is ``{"header": ..., "body": ...}``: the header is checked against the IEEE 1752
header schema, the body against the schema the code names, and ``header.schema_id`` must name
that same schema. Every problem is an ``Issue`` whose path points into the data point
(``body.blood_glucose.unit``) and whose message is the schema's reason.
"""

from jhe_core import Issue

from jhe_plugins.omh.catalog import SchemaCatalog, SchemaId, default_catalog
from jhe_plugins.omh.effective_time import effective_issues

CODE_PATH = "code.coding[0].code"
SCHEMA_ID_FIELDS = ("namespace", "name", "version")


def validate_data_point(data, code: str, *, effective: list | None = None,
                        catalog: SchemaCatalog | None = None) -> list[Issue]:
    """All problems of ``data`` as a data point of the schema named by ``code``
    (``omh:blood-glucose:4.0``). When it is valid and ``effective`` is given, sets
    ``effective[:] = [start, end]`` from the body's time frame."""
    catalog = catalog or default_catalog()
    schema_id = SchemaId.parse(code)
    if schema_id is None or not catalog.is_data_type(schema_id):
        return [unknown_schema(code, catalog)]
    if not isinstance(data, dict):
        return [issue(None, f"an Open mHealth data point is a JSON object with header and body, not {type_name(data)}")]
    issues = [issue(None, f"{key!r} is a required property of an Open mHealth data point")
              for key in ("header", "body") if key not in data]
    if "header" in data:
        issues += schema_issues(catalog.header_validator(), data["header"], "header")
        issues += schema_id_issues(data["header"], schema_id)
    if "body" in data:
        issues += schema_issues(catalog.validator(schema_id), data["body"], "body")
    if not issues and effective is not None:
        issues += effective_issues(data["body"], effective)
    return issues


def schema_issues(validator, instance, prefix: str) -> list[Issue]:
    return [issue(json_path(prefix, problem.path), problem.message) for problem in validator.problems(instance)]


def schema_id_issues(header, schema_id: SchemaId) -> list[Issue]:
    """``header.schema_id`` must name the code's schema (the schema check reports its shape)."""
    declared = header.get("schema_id") if isinstance(header, dict) else None
    if not isinstance(declared, dict):
        return []
    return [issue(f"header.schema_id.{field}",
                  f"{declared[field]!r} does not match the observation's code {schema_id} "
                  f"(expected {getattr(schema_id, field)!r})")
            for field in SCHEMA_ID_FIELDS
            if field in declared and declared[field] != getattr(schema_id, field)]


def unknown_schema(code, catalog: SchemaCatalog) -> Issue:
    supported = ", ".join(str(sid) for sid in catalog.data_types())
    return Issue(f"no Open mHealth schema is known for code {code!r} (supported: {supported})",
                 code="processing", path=CODE_PATH)


def issue(path: str | None, message: str) -> Issue:
    return Issue(message, code="processing", path=path)


def json_path(prefix: str, parts) -> str:
    """``body.sleep_stage_summary[0].duration`` from ``("sleep_stage_summary", 0, "duration")``."""
    path = prefix
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def type_name(value) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")
