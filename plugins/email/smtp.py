"""Delivery through an SMTP server (standard library ``smtplib``): STARTTLS or implicit TLS,
optional login, bounded retries with exponential backoff for transient failures.

Transient (retried): a 4xx reply at any step, the server dropping or resetting the connection.
Permanent (reported at once): refused or unresolvable server, timeout, TLS failure, a 5xx reply
(including a rejected login). Every failure becomes ``ServiceUnavailable`` with the reason, and a
log line; neither ever contains the password.
"""

import logging
import smtplib
import socket
import ssl
import time
from email.message import EmailMessage

from jhe_core import ServiceUnavailable

from jhe_plugins.email.settings import smtp_port

log = logging.getLogger("jhe.email")


class DeliveryFailure(Exception):
    def __init__(self, reason: str, *, transient: bool):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


def reply_text(code, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {' '.join(str(text).split())}".strip()


class SmtpBackend:
    name = "smtp"

    def __init__(self, smtp: dict, sleep=time.sleep):
        self.host = smtp["host"]
        self.port = smtp_port(smtp)
        self.security = smtp["security"]
        self.username = smtp.get("username") or ""
        self._password = smtp.get("password") or ""
        self.timeout = smtp["timeout"]
        self.retries = smtp["retries"]
        self.backoff = smtp["backoff_seconds"]
        self.ca_file = smtp.get("ca_file") or None
        self.verify = smtp.get("verify", True)
        self.sleep = sleep

    def __repr__(self):  # never show the password, even in a debugger or a traceback's locals
        return f"SmtpBackend({self.host}:{self.port}, security={self.security}, user={self.username!r})"

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    def send(self, message: EmailMessage) -> dict:
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                refused = self.deliver_once(message)
            except DeliveryFailure as failure:
                if failure.transient and attempt < attempts:
                    delay = self.backoff * 2 ** (attempt - 1)
                    log.warning("email %s: attempt %d of %d failed (%s); retrying in %.2fs",
                                message["Message-ID"], attempt, attempts, failure.reason, delay)
                    self.sleep(delay)
                    continue
                tries = f" (after {attempt} attempts)" if attempt > 1 else ""
                reason = f"email not sent: {failure.reason}{tries}"
                log.error("%s [message %s to %s]", reason, message["Message-ID"], message["To"])
                raise ServiceUnavailable(reason) from None
            break
        if refused:
            # Delivered to the others: reporting failure would make the caller send it twice.
            log.warning("email %s: some recipients refused by %s: %s", message["Message-ID"], self.server,
                        "; ".join(f"{addr} ({reply_text(*answer)})" for addr, answer in refused.items()))
        log.info("email %s to %s sent through %s", message["Message-ID"], message["To"], self.server)
        return {"refused": sorted(refused)} if refused else {}

    def deliver_once(self, message: EmailMessage) -> dict:
        """One connection, one transaction; returns the recipients the server refused."""
        try:
            client = self.connect()
            try:
                if self.username:
                    client.login(self.username, self._password)
                return client.send_message(message)
            finally:
                close_quietly(client)
        except DeliveryFailure:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            answers = exc.recipients.values()
            raise DeliveryFailure(
                f"SMTP server {self.server} refused every recipient: "
                + "; ".join(f"{addr} ({reply_text(*answer)})" for addr, answer in exc.recipients.items()),
                transient=all(400 <= code < 500 for code, _ in answers)) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryFailure(
                f"SMTP server {self.server} rejected the login for user {self.username!r}: "
                f"{reply_text(exc.smtp_code, exc.smtp_error)}", transient=400 <= exc.smtp_code < 500) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailure(f"SMTP server {self.server} answered {reply_text(exc.smtp_code, exc.smtp_error)}",
                                  transient=400 <= exc.smtp_code < 500) from None
        except smtplib.SMTPServerDisconnected as exc:
            raise DeliveryFailure(f"SMTP server {self.server} closed the connection ({exc or 'no reason given'})",
                                  transient=True) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryFailure(f"SMTP server {self.server}: {exc}", transient=False) from None
        except smtplib.SMTPException as exc:
            raise DeliveryFailure(f"SMTP server {self.server}: {exc}", transient=False) from None
        except ssl.SSLError as exc:
            raise DeliveryFailure(f"TLS with SMTP server {self.server} failed: {exc.reason or exc}"
                                  f"{' ' + exc.verify_message if getattr(exc, 'verify_message', None) else ''}",
                                  transient=False) from None
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as exc:
            raise DeliveryFailure(f"connection to SMTP server {self.server} was reset ({exc.strerror or exc})",
                                  transient=True) from None
        except ConnectionRefusedError:
            raise DeliveryFailure(f"cannot connect to SMTP server {self.server}: connection refused",
                                  transient=False) from None
        except socket.gaierror as exc:
            raise DeliveryFailure(f"cannot resolve SMTP server host {self.host!r}: {exc.strerror or exc}",
                                  transient=False) from None
        except TimeoutError:
            raise DeliveryFailure(f"SMTP server {self.server} did not answer within {self.timeout:g}s",
                                  transient=False) from None
        except OSError as exc:
            raise DeliveryFailure(f"cannot connect to SMTP server {self.server}: {exc.strerror or exc}",
                                  transient=False) from None

    def connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.tls_context())
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise DeliveryFailure(f"SMTP server {self.server} does not offer STARTTLS "
                                          "(set smtp.security to \"tls\" or \"none\")", transient=False)
                client.starttls(context=self.tls_context())
                client.ehlo()
            except BaseException:
                client.close()
                raise
        return client

    def tls_context(self) -> ssl.SSLContext:
        try:
            context = ssl.create_default_context(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryFailure(f"cannot load smtp.ca_file {self.ca_file}: {getattr(exc, 'strerror', None) or exc}",
                                  transient=False) from None
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def close_quietly(client: smtplib.SMTP) -> None:
    """Say QUIT but never turn a delivered message into a failure over the goodbye."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
