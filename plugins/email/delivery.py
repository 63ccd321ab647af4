"""``send_email``: build the message, hand it to the configured backend, describe the delivery."""

from jhe_plugins.email.backends import backend_for
from jhe_plugins.email.message import build_message
from jhe_plugins.email.settings import email_settings


def send_email(exchange, message: dict) -> dict | None:
    """Deliver ``message`` (see the ``send_email`` hookspec) with the configured backend.

    :returns: ``{"backend", "message_id", "to"}`` plus backend details (``path`` for the
        outbox, ``refused`` recipients for SMTP), or None when ``backend = "none"``.
    :raises BadRequest: the message dict is malformed (no recipient, bad address...).
    :raises ServiceUnavailable: delivery failed or the email setup is broken; nothing was sent.
    """
    backend = backend_for(exchange)
    if backend is None:
        return None
    email = build_message(exchange, email_settings(exchange), message)
    details = backend.send(email)
    return {"backend": backend.name, "message_id": email["Message-ID"],
            "to": [address.addr_spec for address in email["To"].addresses], **details}
