"""The email plugin: delivers the ``send_email`` hook through SMTP, or a development backend
(``outbox`` folder of ``.eml`` files, the default; ``console`` log), and renders email templates
that a deployment can override (``exchange.services["email.render"]``).

Settings: ``[plugins.email]`` (see ``settings.EMAIL_SCHEMA`` and docs/email.md).
"""

from jhe_core import JHEError, hookimpl

from jhe_plugins.email import delivery
from jhe_plugins.email.message import sender_address
from jhe_plugins.email.settings import EMAIL_SCHEMA, email_settings, templates_dir
from jhe_plugins.email.templates import Markup, render_template

__all__ = ["Markup", "render_template"]


@hookimpl
def register_config_schemas():
    return {"email": EMAIL_SCHEMA}


@hookimpl
def register_commands(cli):
    from jhe_plugins.email.cli import email_group
    if "email" not in cli.commands:
        cli.add_command(email_group)


@hookimpl
def startup(exchange):
    settings = email_settings(exchange)
    if settings.get("backend") != "none":
        sender_address(settings)  # refuse to start with an unusable from_address
    folder = templates_dir(exchange)
    if folder is not None and not folder.is_dir():
        raise JHEError(f"plugins.email.templates_dir: {folder} is not a folder")
    exchange.services["email.render"] = render_template


@hookimpl
def send_email(exchange, message):
    return delivery.send_email(exchange, message)
