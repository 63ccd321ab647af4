"""Turning a ``send_email`` message dict into an RFC 5322 message (``email.message.EmailMessage``).

Headers go through ``email.headerregistry`` so non-ASCII display names and subjects are
RFC 2047-encoded, and an HTML body becomes a ``multipart/alternative`` next to the plain text.
"""

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from datetime import datetime, timezone

from jhe_core import BadRequest, ServiceUnavailable

from jhe_plugins.email.templates import render_template

MAX_RECIPIENTS = 100


def parse_address(raw: str, *, field: str) -> Address:
    """One address, ``user@example.org`` or ``Name <user@example.org>``; BadRequest when not."""
    if not isinstance(raw, str) or not raw.strip() or any(c in raw for c in "\r\n"):
        raise BadRequest(f"{field}: expected an email address, got {raw!r}", path=field)
    parsed = getaddresses([raw])
    if len(parsed) != 1 or parsed[0][1].count("@") != 1:
        raise BadRequest(f"{field}: {raw!r} is not one email address", path=field)
    display_name, addr_spec = parsed[0]
    local, _, domain = addr_spec.rpartition("@")
    if not local or not domain or ("." not in domain.strip(".") and domain != "localhost"):
        raise BadRequest(f"{field}: {raw!r} is not a valid email address", path=field)
    if not local.isascii():
        raise BadRequest(f"{field}: {raw!r} has a non-ASCII local part, which is not supported", path=field)
    try:
        # Internationalised domains travel as IDNA ("xn--") so any SMTP server accepts them.
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise BadRequest(f"{field}: {raw!r} has an invalid domain", path=field) from None
    try:
        return Address(display_name=display_name, username=local, domain=domain)
    except (ValueError, TypeError) as exc:
        raise BadRequest(f"{field}: {raw!r} is not a valid email address ({exc})", path=field) from None


def sender_address(settings: dict) -> Address:
    """The configured ``from_address``; a bad one is the deployment's fault, hence 503."""
    try:
        return parse_address(settings["from_address"], field="plugins.email.from_address")
    except BadRequest as exc:
        raise ServiceUnavailable(f"email is misconfigured: {exc.message}") from None


def recipients(message: dict) -> list[Address]:
    to = message.get("to")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to:
        raise BadRequest("to: expected a non-empty list of email addresses", path="to")
    if len(to) > MAX_RECIPIENTS:
        raise BadRequest(f"to: at most {MAX_RECIPIENTS} recipients per message", path="to")
    return [parse_address(item, field=f"to[{i}]") for i, item in enumerate(to)]


def message_content(exchange, message: dict) -> dict:
    """``subject``, ``text`` and ``html`` given directly, or rendered from ``template``."""
    if message.get("template") is not None:
        context = message.get("context") or {}
        if not isinstance(context, dict):
            raise BadRequest("context: expected an object", path="context")
        return render_template(exchange, message["template"], context, message.get("template_dirs") or ())
    for key in ("subject", "text"):
        if not isinstance(message.get(key), str):
            raise BadRequest(f"{key}: expected a string", path=key)
    if message.get("html") is not None and not isinstance(message["html"], str):
        raise BadRequest("html: expected a string", path="html")
    return {"subject": message["subject"], "text": message["text"], "html": message.get("html")}


def build_message(exchange, settings: dict, message: dict) -> EmailMessage:
    """The complete message, ready for any backend: From, To, Subject, Date, Message-ID and the
    text (plus HTML alternative) body."""
    if not isinstance(message, dict):
        raise BadRequest("message: expected an object")
    to = recipients(message)
    content = message_content(exchange, message)
    sender = sender_address(settings)

    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = " ".join(content["subject"].split())
    email["Date"] = format_datetime(datetime.now(timezone.utc))
    email["Message-ID"] = make_msgid(domain=sender.domain)
    if message.get("reply_to"):
        email["Reply-To"] = parse_address(message["reply_to"], field="reply_to")
    # Non-ASCII bodies go quoted-printable: 7-bit clean for any relay, still readable as source.
    email.set_content(content["text"], cte=None if content["text"].isascii() else "quoted-printable")
    if content.get("html"):
        email.add_alternative(content["html"], subtype="html",
                              cte=None if content["html"].isascii() else "quoted-printable")
    return email
