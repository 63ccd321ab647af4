"""The contract between the core and its plugins: every hook, in lifecycle order.

Hooks are called with keyword arguments; an implementation may accept any subset of them.
``register_*`` hooks return data and have no side effects: the core collects the answers,
rejects duplicates with a startup error naming the plugins, then applies them.
"""

import pluggy

hookspec = pluggy.HookspecMarker("jhe")

# -------------------------------------------------------------------------
# Configuration, models and commands (before the app exists)
# -------------------------------------------------------------------------


@hookspec
def register_config_schemas():
    """Declare the JSON Schema of this plugin's ``[plugins.<name>]`` config section.

    The core validates the section at startup (defaults from the schema are filled in) and
    resolves ``{"$env": "NAME"}`` secrets before any plugin reads it.

    :returns: a dict mapping plugin name to a JSON Schema (draft 2020-12) object.
    """


@hookspec
def register_models():
    """Declare the peewee models this plugin owns.

    The core binds them to the app's database and creates or migrates their tables together
    with the core's own at ``jhe migrate`` and at start.

    :returns: a list of ``peewee.Model`` classes.
    """


@hookspec
def register_commands(cli):
    """Add click commands or groups to the ``jhe`` command line.

    :param cli: the root ``click.Group``; call ``cli.add_command(...)``.
    :returns: None.
    """


# -------------------------------------------------------------------------
# Building the app
# -------------------------------------------------------------------------


@hookspec
def register_routes(exchange):
    """Declare the HTTP routes this plugin serves.

    :param exchange: the app's ``Exchange`` (config, plugin manager, database, registries).
    :returns: a list of ``jhe_core.Route``. Two plugins claiming one path is a startup error.
    """


@hookspec
def register_middleware(exchange):
    """Add Falcon middleware components (CORS, sessions, request logs).

    :param exchange: the app's ``Exchange``.
    :returns: a list of middleware objects, applied after the core's own.
    """


@hookspec
def register_fhir_resource_types(exchange):
    """Declare FHIR resource types served under the FHIR base URLs.

    :param exchange: the app's ``Exchange``.
    :returns: a list of ``jhe_core.fhir.registry.ResourceType`` (type name, interactions,
        search parameters, resource classes). A type claimed twice is a startup error.
    """


@hookspec
def register_observation_codes(exchange):
    """Declare the codes (scopes) data sources may send and patients may consent to.

    :param exchange: the app's ``Exchange``.
    :returns: a list of dicts ``{"system", "code", "text"}`` with an optional stable ``"id"``.
        The core stores any that are missing; existing rows keep their ids.
    """


@hookspec
def register_data_sources(exchange):
    """Declare the data sources (devices, apps) this plugin contributes to the catalogue.

    :param exchange: the app's ``Exchange``.
    :returns: a list of dicts ``{"name", "type", "codes": [code strings]}`` with an optional
        stable ``"id"``. The core stores any that are missing and links their supported codes.
    """


@hookspec
def startup(exchange):
    """Run once the config, database and registries are ready, before serving requests.

    :param exchange: the app's ``Exchange``.
    :returns: None. Raise ``jhe_core.errors.JHEError`` (or ``click.ClickException``) to refuse to start.
    """


# -------------------------------------------------------------------------
# Requests: who is calling, what may they do, how errors look
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def actor_from_request(exchange, request):
    """Identify the caller of a request.

    Stops at first non-None result.

    :param exchange: the app's ``Exchange``.
    :param request: the ``falcon.Request``.
    :returns: a ``jhe_core.actors.Actor``, or None when this plugin cannot tell.
    """


@hookspec
def permission_allowed(exchange, actor, action, resource):
    """Decide whether ``actor`` may perform ``action`` on ``resource``.

    Every answer is collected: any False denies, otherwise any True allows; with no True the
    answer is deny.

    :param exchange: the app's ``Exchange``.
    :param actor: the ``Actor`` (may be anonymous).
    :param action: a name such as ``"patient.view"`` (see ``jhe_core.permissions.ACTIONS``).
    :param resource: the object acted on (a model instance) or None.
    :returns: True, False or None (no opinion).
    """


@hookspec(firstresult=True)
def handle_exception(exchange, request, error):
    """Render an error raised while answering a request.

    Stops at first non-None result.

    :param exchange: the app's ``Exchange``.
    :param request: the ``falcon.Request``.
    :param error: a ``jhe_core.errors.JHEError``.
    :returns: a tuple ``(status_code, body_dict)``, or None to leave it to the next plugin.
    """


# -------------------------------------------------------------------------
# Observations
# -------------------------------------------------------------------------


@hookspec
def validate_observation(exchange, observation, context):
    """Check one incoming Observation (already a valid FHIR R5 resource).

    :param exchange: the app's ``Exchange``.
    :param observation: the Observation as a dict.
    :param context: an ``IngestContext`` with ``code`` (the CodeableConcept row), ``data``
        (the decoded ``valueAttachment`` JSON, or None) and ``effective`` (a mutable
        ``[start, end]`` a plugin sets from the data's time frame).
    :returns: a list of ``jhe_core.errors.Issue`` (empty or None when it is fine).
    """


@hookspec(firstresult=True)
def observation_data_view(exchange, observation, data):
    """Give the decoded data of a stored observation for the admin API.

    Stops at first non-None result.

    :param exchange: the app's ``Exchange``.
    :param observation: the stored ``Observation`` row.
    :param data: the decoded ``valueAttachment`` JSON (or None).
    :returns: the JSON value to show as ``valueAttachmentData``, or None.
    """


@hookspec
def observations_stored(exchange, observations):
    """Be told about observations after their transaction committed (notify, index, forward).

    :param exchange: the app's ``Exchange``.
    :param observations: the list of stored ``Observation`` rows.
    :returns: None.
    """


# -------------------------------------------------------------------------
# Patient invitations and email
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def invitation_link(exchange, patient, code, base_url):
    """Build the URL a patient opens to connect an app.

    Stops at first non-None result.

    :param exchange: the app's ``Exchange``.
    :param patient: the ``Patient`` row.
    :param code: the one-time invitation code (plain text, shown once).
    :param base_url: the server's public base URL as the practitioner's request reached it
        (``base_url`` from config when set), e.g. ``https://jhe.example.org``.
    :returns: the link as a string, or None.
    """


@hookspec(firstresult=True)
def invitation_message(exchange, patient, link):
    """Compose the invitation email for a patient.

    Stops at first non-None result.

    :param exchange: the app's ``Exchange``.
    :param patient: the ``Patient`` row.
    :param link: the invitation link.
    :returns: an ``email.message.EmailMessage``-like dict
        ``{"to", "subject", "text", "html"}``, or None.
    """


@hookspec(firstresult=True)
def send_email(exchange, message):
    """Deliver an email.

    Stops at first non-None result.

    :param exchange: the app's ``Exchange``.
    :param message: a dict ``{"to": [addresses], "subject", "text", "html" (optional)}``.
        Addresses are ``user@example.org`` or ``Name <user@example.org>``. Instead of
        ``subject``/``text``/``html`` a message may name a template: ``"template"`` (name),
        ``"context"`` (dict of its values) and optionally ``"template_dirs"`` (the caller's
        template folders); ``"reply_to"`` (one address) is optional.
    :returns: a dict describing the delivery (``{"backend", "message_id"}``); None means no
        sender is configured. Raise ``BadRequest`` for a malformed message and
        ``ServiceUnavailable`` when delivery failed.
    """
