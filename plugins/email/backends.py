"""Development backends (``console``, ``outbox``) and the choice of backend from config."""

import logging
import os
import tempfile
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from jhe_core import ServiceUnavailable

from jhe_plugins.email.settings import email_settings, outbox_dir

log = logging.getLogger("jhe.email")


class ConsoleBackend:
    """Logs each whole message (logger ``jhe.email``, level INFO) instead of sending it."""

    name = "console"

    def send(self, message: EmailMessage) -> dict:
        log.info("email (console backend, not sent):\n%s", message.as_string())
        return {}


class OutboxBackend:
    """Writes each message as an ``.eml`` file into a folder: the demo needs no mail server,
    and a developer opens the files in any mail client."""

    name = "outbox"

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage) -> dict:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written to a temporary name, then renamed: a reader never sees half a message.
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(message.as_bytes())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            reason = f"email not sent: cannot write to outbox {self.folder}: {exc.strerror or exc}"
            log.error(reason)
            raise ServiceUnavailable(reason) from None
        log.info("email %s to %s written to %s", message["Message-ID"], message["To"], target)
        return {"path": str(target)}


def backend_for(exchange):
    """The configured backend, or None for ``backend = "none"`` (no sender configured)."""
    settings = email_settings(exchange)
    name = settings.get("backend", "outbox")
    if name == "none":
        return None
    if name == "console":
        return ConsoleBackend()
    if name == "outbox":
        return OutboxBackend(outbox_dir(exchange))
    from jhe_plugins.email.smtp import SmtpBackend
    return SmtpBackend(settings["smtp"])
