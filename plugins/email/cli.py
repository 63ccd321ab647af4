"""``jhe email test --to ADDRESS``: send a test message through the configured backend."""

import logging
from contextlib import contextmanager
from datetime import datetime, timezone

import click

from jhe_core import JHEError
from jhe_core.cli import pass_context

from jhe_plugins.email.settings import email_settings
from jhe_plugins.email.templates import render_template


@click.group("email")
def email_group():
    """Outgoing email."""


@email_group.command("test")
@click.option("--to", "to", required=True, help="The address to send the test message to.")
@pass_context
def email_test(obj, to):
    """Send a test message and report the backend and Message-ID, or the exact failure."""
    exchange = obj.exchange(migrate=False)
    settings = email_settings(exchange)
    if settings.get("backend") == "none":
        raise click.ClickException('no email backend is configured (plugins.email.backend = "none")')
    try:
        with quiet_unconfigured_logging():
            content = render_template(exchange, "test", {
                "backend": settings["backend"],
                "sent_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
            })
            result = exchange.hook.send_email(exchange=exchange, message={"to": [to], **content})
    except JHEError as exc:
        raise click.ClickException(exc.message) from None
    if result is None:
        raise click.ClickException("no plugin delivered the message (no email backend is configured)")
    click.echo(f"sent test message to {to} with backend {result['backend']}, Message-ID {result['message_id']}")
    if result.get("path"):
        click.echo(f"written to {result['path']}")
    if result.get("refused"):
        raise click.ClickException(f"the server refused: {', '.join(result['refused'])}")


@contextmanager
def quiet_unconfigured_logging():
    """With no logging set up, Python would print the plugin's ERROR line next to the command's
    own report of the same failure; the command's report is enough. Configured logging is kept."""
    logger = logging.getLogger("jhe.email")
    if logging.getLogger().handlers:
        yield
        return
    silencer = logging.NullHandler()
    logger.addHandler(silencer)
    try:
        yield
    finally:
        logger.removeHandler(silencer)
