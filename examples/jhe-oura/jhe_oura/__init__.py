"""jhe-oura: an example data-source plugin for jhe.

It adds the "Oura Ring" to the data-source catalogue, accepts the Oura API's own JSON at
``POST /api/v1/oura/patients/{patient_id}/import`` and ``jhe oura import``, converts each record
with ``omh_shim.convert`` and stores the data points through the core's ingest pipeline.
It needs the ``omh`` plugin, which registers the codes it sends.
"""

from jhe_core import Route, hookimpl

from jhe_oura.importer import DATA_SOURCE_NAME
from jhe_oura.records import SUPPORTED_CODES

__version__ = "0.1.0"

CONFIG_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "timezone": {"type": "string", "default": "UTC",
                     "description": "IANA time zone of the days in daily records, unless the import names one"},
        "max_records": {"type": "integer", "minimum": 1, "default": 5000,
                        "description": "most records accepted in one import"},
    },
}


@hookimpl
def register_config_schemas():
    return {"oura": CONFIG_SCHEMA}


@hookimpl
def register_data_sources(exchange):
    return [{"name": DATA_SOURCE_NAME, "type": "personal_device", "codes": SUPPORTED_CODES}]


@hookimpl
def register_routes(exchange):
    from jhe_oura.resources import IMPORT_PATH, OuraImportResource
    return [Route(IMPORT_PATH, OuraImportResource())]


@hookimpl
def register_commands(cli):
    from jhe_oura.cli import oura_group
    cli.add_command(oura_group)
