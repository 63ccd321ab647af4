"""The data-source catalogue: devices and apps, and the codes each can send."""

from jhe_core import models as m
from jhe_core.errors import BadRequest, NotFound
from jhe_core.models.base import create_with_id_floor
from jhe_core.models.data_sources import DATA_SOURCE_TYPES, FIRST_DATA_SOURCE_ID


def get_data_source(data_source_id) -> m.DataSource:
    source = m.DataSource.get_or_none(m.DataSource.id == data_source_id)
    if source is None:
        raise NotFound(f"Data source {data_source_id} not found.")
    return source


def check_type(source_type: str) -> str:
    if source_type not in DATA_SOURCE_TYPES:
        raise BadRequest(f"type must be one of {', '.join(DATA_SOURCE_TYPES)}; got {source_type!r}.", path="type")
    return source_type


def _codes(code_ids, path) -> list[m.CodeableConcept]:
    found = {c.id: c for c in m.CodeableConcept.select().where(m.CodeableConcept.id.in_(list(code_ids) or [-1]))}
    for code_id in code_ids:
        if code_id not in found:
            raise BadRequest(f"Scope code {code_id} not found.", path=path)
    return [found[code_id] for code_id in dict.fromkeys(code_ids)]


def create_data_source(name: str, source_type: str, code_ids=()) -> m.DataSource:
    check_type(source_type)
    codes = _codes(code_ids, "supportedScopes")
    with m.DataSource._meta.database.atomic():
        source = create_with_id_floor(m.DataSource, FIRST_DATA_SOURCE_ID, name=name, type=source_type)
        for code in codes:
            m.DataSourceSupportedScope.create(data_source=source, scope_code=code)
    return source


def update_data_source(source: m.DataSource, *, name=None, source_type=None) -> m.DataSource:
    if name is not None:
        source.name = name
    if source_type is not None:
        source.type = check_type(source_type)
    source.save()
    return source


def delete_data_source(source: m.DataSource) -> None:
    """Remove it from the catalogue and from studies; observations keep their data but lose
    the link to the source."""
    with m.DataSource._meta.database.atomic():
        m.StudyDataSource.delete().where(m.StudyDataSource.data_source == source.id).execute()
        m.DataSourceSupportedScope.delete().where(m.DataSourceSupportedScope.data_source == source.id).execute()
        m.Observation.update(data_source=None).where(m.Observation.data_source == source.id).execute()
        source.delete_instance()


def add_supported_scope(source: m.DataSource, code_id) -> m.CodeableConcept:
    code = _codes([code_id], "scope_code_id")[0]
    m.DataSourceSupportedScope.insert(data_source=source, scope_code=code).on_conflict_ignore().execute()
    return code


def remove_supported_scope(source: m.DataSource, code_id) -> None:
    code = _codes([code_id], "scope_code_id")[0]
    deleted = m.DataSourceSupportedScope.delete().where(
        (m.DataSourceSupportedScope.data_source == source.id)
        & (m.DataSourceSupportedScope.scope_code == code.id)).execute()
    if not deleted:
        raise BadRequest(f"Data source {source.id} does not support scope code {code.id}.", path="scope_code_id")


def supported_codes(source_ids) -> dict[int, list[m.CodeableConcept]]:
    """data source id -> its supported codes, ordered by code id."""
    result: dict[int, list] = {sid: [] for sid in source_ids}
    rows = (m.DataSourceSupportedScope.select(m.DataSourceSupportedScope, m.CodeableConcept)
            .join(m.CodeableConcept)
            .where(m.DataSourceSupportedScope.data_source.in_(list(source_ids) or [-1]))
            .order_by(m.CodeableConcept.id))
    for row in rows:
        result[row.data_source_id].append(row.scope_code)
    return result
