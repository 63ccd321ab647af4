"""Applying the data ``register_*`` hooks return: codes, data sources, FHIR resource types.

Codes and data sources end up as database rows (insert-if-missing, so existing ids and
anything an administrator changed stay as they are); FHIR types live on the exchange.
"""

import peewee

import logging

from jhe_core import models as m
from jhe_core.db import is_postgres
from jhe_core.plugins import StartupError, call_each


log = logging.getLogger("jhe.registries")

# Plugin-declared data sources without an id are numbered apart from the ones deployments
# create by hand (from 70001), so demo and documented ids never collide with them.
FIRST_PLUGIN_DATA_SOURCE_ID = 80001


def load(exchange, *, write: bool = True) -> None:
    exchange.fhir_types = collect_fhir_types(exchange)
    if write:
        sync_codes(exchange)
        sync_data_sources(exchange)


def collect_fhir_types(exchange) -> dict:
    types = {}
    for plugin_name, answer in call_each(exchange.pm, "register_fhir_resource_types", exchange=exchange):
        for resource_type in answer:
            if resource_type.name in types:
                raise StartupError(f"FHIR resource type {resource_type.name} is claimed twice (again by {plugin_name!r})")
            types[resource_type.name] = resource_type
    return types


def _bump_sequence(model):
    if is_postgres():
        table = model._meta.table_name
        model._meta.database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM \"{table}\")))")


def sync_codes(exchange) -> None:
    declared = {}
    for plugin_name, answer in call_each(exchange.pm, "register_observation_codes", exchange=exchange):
        for code in answer:
            key = (code["system"], code["code"])
            if key in declared and code.get("id") and declared[key].get("id") not in (None, code["id"]):
                raise StartupError(f"code {key[1]} is declared with two ids (again by {plugin_name!r})")
            declared[key] = code
    existing = {(c.coding_system, c.coding_code) for c in m.CodeableConcept.select()}
    missing = [code for key, code in declared.items() if key not in existing]
    if not missing:
        return
    taken_ids = {c.id for c in m.CodeableConcept.select(m.CodeableConcept.id)}
    # Codes with a stable id first (the guides' examples rely on them), then the rest.
    missing.sort(key=lambda code: (code.get("id") is None, code.get("id") or 0))
    with exchange.db.atomic():
        for code in missing:
            row = {"coding_system": code["system"], "coding_code": code["code"], "text": code.get("text", "")}
            if code.get("id") and code["id"] not in taken_ids:
                row["id"] = code["id"]
                taken_ids.add(code["id"])
            m.CodeableConcept.insert(**row).on_conflict_ignore().execute()
            if "id" in row:
                _bump_sequence(m.CodeableConcept)


def _next_plugin_data_source_id() -> int:
    # Explicit on both backends: PostgreSQL's sequence starts at the hand-made floor (70001),
    # which would hand a plugin's source an id the guides' examples use.
    highest = m.DataSource.select(peewee.fn.MAX(m.DataSource.id)).where(
        m.DataSource.id >= FIRST_PLUGIN_DATA_SOURCE_ID).scalar()
    return (highest or FIRST_PLUGIN_DATA_SOURCE_ID - 1) + 1


def sync_data_sources(exchange) -> None:
    declared = [(plugin_name, source)
                for plugin_name, answer in call_each(exchange.pm, "register_data_sources", exchange=exchange)
                for source in answer]
    if not declared:
        return
    codes = {c.coding_code: c.id for c in m.CodeableConcept.select()}
    with exchange.db.atomic():
        for plugin_name, source in declared:
            row = m.DataSource.get_or_none(m.DataSource.id == source["id"]) if source.get("id") else None
            row = row or m.DataSource.get_or_none(m.DataSource.name == source["name"])
            if row is None:
                fields = {"name": source["name"], "type": source.get("type", "personal_device"),
                          "id": source.get("id") or _next_plugin_data_source_id()}
                row = m.DataSource.create(**fields)
                _bump_sequence(m.DataSource)
            for code in source.get("codes", []):
                if code not in codes:
                    # The plugin declaring the code may be switched off: the source still
                    # appears, without that scope, and says so in the log.
                    log.warning("data source %r of plugin %r: unknown code %r is not linked",
                                source["name"], plugin_name, code)
                    continue
                m.DataSourceSupportedScope.insert(data_source=row, scope_code=codes[code]) \
                    .on_conflict_ignore().execute()
