"""``/api/v1/data_sources``: the catalogue of devices and apps (readable by every signed-in
user, changed by a superuser) and the scope codes each supports."""

from jhe_core import models as m
from jhe_core.errors import BadRequest
from jhe_core.services import data_sources as service

from jhe_plugins.admin.api import PAGING, no_content, operation, require, send
from jhe_plugins.admin.fields import Body, parse_id
from jhe_plugins.admin.pagination import paginate
from jhe_plugins.admin.representations import data_sources_json

TAG = "data_sources"


def _source(req, data_source_id, action="data_source.view") -> m.DataSource:
    source = service.get_data_source(data_source_id)
    require(req, action, source if action != "data_source.view" else None)
    return source


def _scope_ids(body: Body) -> list[int]:
    """``supportedScopes`` as ids, given bare or as code objects with an ``id``."""
    value = body.data.get("supported_scopes")
    if value is None:
        return []
    label = body.label("supported_scopes")
    if not isinstance(value, list):
        raise BadRequest(f"{label} must be a list of scope code ids.", path=label)
    ids = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            item = item.get("id")
        ids.append(parse_id(item, f"{label}[{index}]"))
    return ids


class DataSourcesResource:
    @operation("The data-source catalogue with each source's supported scopes", tag=TAG,
               response="list:DataSource", query=PAGING, errors=(400, 401))
    def on_get(self, req, resp):
        require(req, "data_source.view")
        send(resp, paginate(req, m.DataSource.select().order_by(m.DataSource.id), data_sources_json))

    @operation("Add a data source to the catalogue (superuser)", tag=TAG, response="DataSource", status=201,
               body="DataSourceCreate")
    def on_post(self, req, resp):
        require(req, "data_source.manage")
        body = Body.from_request(req)
        source = service.create_data_source(body.text("name", required=True, max_length=200),
                                            body.text("type", default="personal_device", max_length=50),
                                            _scope_ids(body))
        send(resp, data_sources_json([source])[0], 201)


class DataSourceResource:
    @operation("One data source", tag=TAG, response="DataSource", errors=(401, 404))
    def on_get(self, req, resp, id):
        send(resp, data_sources_json([_source(req, id)])[0])

    @operation("Rename or re-type a data source (superuser)", tag=TAG, response="DataSource",
               body="DataSourceUpdate")
    def on_patch(self, req, resp, id):
        source = _source(req, id, "data_source.manage")
        body = Body.from_request(req)
        service.update_data_source(source, name=body.text("name", max_length=200, default=None),
                                   source_type=body.text("type", max_length=50, default=None))
        send(resp, data_sources_json([source])[0])

    on_put = on_patch

    @operation("Remove a data source from the catalogue and from every study (superuser)", tag=TAG,
               response=None, status=204)
    def on_delete(self, req, resp, id):
        service.delete_data_source(_source(req, id, "data_source.manage"))
        no_content(resp)


class DataSourceSupportedScopesResource:
    @operation("Declare that a data source can send a scope code (superuser)", tag=TAG,
               response="DataSource", body="ScopeCodeId")
    def on_post(self, req, resp, id):
        source = _source(req, id, "data_source.manage")
        service.add_supported_scope(source, Body.from_request(req).id("scope_code_id", required=True))
        send(resp, data_sources_json([source])[0])

    @operation("Withdraw a scope code from a data source (superuser)", tag=TAG, response="DataSource",
               body="ScopeCodeId")
    def on_delete(self, req, resp, id):
        source = _source(req, id, "data_source.manage")
        service.remove_supported_scope(source, Body.from_request(req).id("scope_code_id", required=True))
        send(resp, data_sources_json([source])[0])
