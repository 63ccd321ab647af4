"""SMTP delivery against real aiosmtpd servers: content read back, AUTH, STARTTLS, implicit TLS,
failures (refused, bad login, untrusted certificate) and retries of transient replies."""

import logging
import socket
import threading
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest

from jhe_core import BadRequest, ServiceUnavailable

SUBJECT = "Résumé of your study — 測試"
TEXT = "Grüße, Zoë!\nYour data arrived. ✓\n"
HTML = "<p>Grüße, <b>Zoë</b>! ✓</p>"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket closes


def smtp_section(server, **smtp):
    return {"backend": "smtp", "from_address": "Exchange Équipe <noreply@exchange.example.org>",
            "smtp": {"host": server.host, "port": server.port, "security": "none", "timeout": 5,
                     "retries": 2, "backoff_seconds": 0.01, **smtp}}


def send(app, **message):
    message = {"to": ["Zoë Ångström <zoe@example.org>", "bob@example.com"], "subject": SUBJECT,
               "text": TEXT, "html": HTML, **message}
    return app.exchange.hook.send_email(exchange=app.exchange, message=message)


def parsed(envelope):
    return message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)


def body(message, kind):
    """A part's decoded text with the wire's CRLF line ends turned back into LF."""
    return message.get_body((kind,)).get_content().replace("\r\n", "\n")


@pytest.fixture(scope="module")
def plain_app(email_app, smtp_servers):
    return email_app(**smtp_section(smtp_servers["plain"]))


def test_hook_send_email_delivers_text_and_html_with_encoded_headers(plain_app, fresh_servers):
    result = send(plain_app)
    assert result["backend"] == "smtp"
    (envelope,) = fresh_servers["plain"].recorder.envelopes
    assert envelope.mail_from == "noreply@exchange.example.org"
    assert envelope.rcpt_tos == ["zoe@example.org", "bob@example.com"]

    raw = envelope.original_content
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii(), "non-ASCII header text must be RFC 2047-encoded"
    assert b"=?utf-8?" in headers

    message = parsed(envelope)
    assert message["Subject"] == SUBJECT
    assert message["To"].addresses[0].display_name == "Zoë Ångström"
    assert message["To"].addresses[0].addr_spec == "zoe@example.org"
    assert message["From"].addresses[0].display_name == "Exchange Équipe"
    assert message["Message-ID"] == result["message_id"]
    assert result["message_id"].endswith("@exchange.example.org>")
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message.get_content_type() == "multipart/alternative"
    assert body(message, "plain") == TEXT
    assert body(message, "html").strip() == HTML


def test_plain_text_only_message_is_single_part(plain_app, fresh_servers):
    send(plain_app, to=["solo@example.org"], html=None, text="just text\n", subject="ascii")
    message = parsed(fresh_servers["plain"].recorder.envelopes[0])
    assert message.get_content_type() == "text/plain"
    assert body(message, "plain") == "just text\n"


def test_malformed_messages_are_bad_requests_and_nothing_is_sent(plain_app, fresh_servers):
    for bad, field in [({"to": []}, "to"), ({"to": ["not-an-address"]}, "to[0]"),
                       ({"to": ["a@example.org\r\nBcc: victim@example.org"]}, "to[0]"),
                       ({"subject": None}, "subject"), ({"text": 5}, "text")]:
        with pytest.raises(BadRequest) as caught:
            send(plain_app, **bad)
        assert caught.value.status == 400
        assert caught.value.issues[0].path == field
    assert fresh_servers["plain"].recorder.data_attempts == 0


def test_transient_451_is_retried_until_delivered(plain_app, fresh_servers, caplog):
    recorder = fresh_servers["plain"].recorder
    recorder.fail_next = 2
    with caplog.at_level(logging.WARNING, logger="jhe.email"):
        result = send(plain_app)
    assert recorder.data_attempts == 3
    assert len(recorder.envelopes) == 1
    assert parsed(recorder.envelopes[0])["Message-ID"] == result["message_id"]
    assert "attempt 1 of 3 failed" in caplog.text and "451" in caplog.text


def test_transient_failures_beyond_the_retry_budget_are_503(plain_app, fresh_servers):
    recorder = fresh_servers["plain"].recorder
    recorder.fail_next = 10
    with pytest.raises(ServiceUnavailable) as caught:
        send(plain_app)
    assert caught.value.status == 503
    assert "451 4.3.0 Mailbox temporarily unavailable" in caught.value.message
    assert "after 3 attempts" in caught.value.message
    assert recorder.data_attempts == 3 and not recorder.envelopes


def test_refused_connection_is_503_with_the_reason_and_a_log_line(email_app, caplog):
    port = closed_port()
    app = email_app(backend="smtp", smtp={"host": "127.0.0.1", "port": port, "security": "none",
                                          "retries": 3, "backoff_seconds": 5})
    with caplog.at_level(logging.ERROR, logger="jhe.email"):
        with pytest.raises(ServiceUnavailable) as caught:
            send(app)  # no retry (backoff 5 s would show): refused is not transient
    assert caught.value.status == 503
    assert caught.value.message == f"email not sent: cannot connect to SMTP server 127.0.0.1:{port}: connection refused"
    assert caught.value.message in caplog.text


def test_login_succeeds_with_password_from_environment(email_app, fresh_servers, smtp_credentials, caplog):
    server = fresh_servers["auth"]
    app = email_app(**smtp_section(server, username=smtp_credentials["username"],
                                   password={"$env": smtp_credentials["env"]}))
    with caplog.at_level(logging.DEBUG):
        send(app, to=["carol@example.org"])
    assert server.recorder.envelopes[0].rcpt_tos == ["carol@example.org"]
    assert smtp_credentials["password"] not in caplog.text
    assert app.exchange.config.masked()["plugins"]["email"]["smtp"]["password"] == "***"


def test_login_required_but_not_configured_is_503(email_app, fresh_servers):
    app = email_app(**smtp_section(fresh_servers["auth"]))
    with pytest.raises(ServiceUnavailable) as caught:
        send(app)
    assert "530" in caught.value.message and "Authentication required" in caught.value.message
    assert not fresh_servers["auth"].recorder.envelopes


def test_rejected_login_is_503_and_never_logs_the_password(email_app, fresh_servers, smtp_credentials, caplog):
    server = fresh_servers["auth"]
    wrong = "wrong-Pa55word-123"
    app = email_app(**smtp_section(server, username=smtp_credentials["username"], password=wrong))
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(ServiceUnavailable) as caught:
            send(app)
    assert caught.value.message.startswith(
        f"email not sent: SMTP server 127.0.0.1:{server.port} rejected the login for user 'mailer': 535")
    assert "after" not in caught.value.message  # 535 is permanent: no retry
    assert wrong not in caplog.text and wrong not in caught.value.message
    assert "rejected the login" in caplog.text
    assert not server.recorder.envelopes


def test_starttls_with_trusted_ca_then_login(email_app, fresh_servers, smtp_credentials, certificates):
    server = fresh_servers["starttls"]
    app = email_app(**smtp_section(server, security="starttls", ca_file=certificates["ca"],
                                   username=smtp_credentials["username"],
                                   password={"$env": smtp_credentials["env"]}))
    result = send(app)
    assert parsed(server.recorder.envelopes[0])["Message-ID"] == result["message_id"]


def test_starttls_with_untrusted_certificate_is_503(email_app, fresh_servers, smtp_credentials):
    server = fresh_servers["starttls"]
    app = email_app(**smtp_section(server, security="starttls", username=smtp_credentials["username"],
                                   password={"$env": smtp_credentials["env"]}))
    with pytest.raises(ServiceUnavailable) as caught:
        send(app)
    assert "TLS with SMTP server" in caught.value.message
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert not server.recorder.envelopes


def test_starttls_required_but_not_offered_is_503(email_app, fresh_servers):
    app = email_app(**smtp_section(fresh_servers["plain"], security="starttls"))
    with pytest.raises(ServiceUnavailable) as caught:
        send(app)
    assert "does not offer STARTTLS" in caught.value.message


def test_implicit_tls_with_trusted_ca(email_app, fresh_servers, certificates):
    server = fresh_servers["tls"]
    app = email_app(**smtp_section(server, security="tls", ca_file=certificates["ca"]))
    send(app)
    assert parsed(server.recorder.envelopes[0])["Subject"] == SUBJECT


def test_implicit_tls_without_verification(email_app, fresh_servers):
    server = fresh_servers["tls"]
    app = email_app(**smtp_section(server, security="tls", verify=False))
    send(app)
    assert len(server.recorder.envelopes) == 1


def test_missing_ca_file_is_503(email_app, fresh_servers, tmp_path):
    app = email_app(**smtp_section(fresh_servers["tls"], security="tls", ca_file=str(tmp_path / "nope.pem")))
    with pytest.raises(ServiceUnavailable) as caught:
        send(app)
    assert "cannot load smtp.ca_file" in caught.value.message


class DroppingProxy:
    """Closes the first ``drops`` connections at once (the server went away mid-greeting), then
    forwards to the real server: what a restarting mail relay looks like."""

    def __init__(self, target, drops):
        self.target, self.drops, self.accepted = target, drops, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self.accepted <= self.drops:
                conn.close()
                continue
            upstream = socket.create_connection((self.target.host, self.target.port))
            for src, dst in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self.pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def pipe(src, dst):
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def test_dropped_connection_is_retried(email_app, fresh_servers):
    proxy = DroppingProxy(fresh_servers["plain"], drops=1)
    try:
        app = email_app(backend="smtp", smtp={"host": "127.0.0.1", "port": proxy.port, "security": "none",
                                              "retries": 1, "backoff_seconds": 0.01})
        result = send(app)
    finally:
        proxy.close()
    assert proxy.accepted == 2
    assert parsed(fresh_servers["plain"].recorder.envelopes[0])["Message-ID"] == result["message_id"]


def test_dropped_connections_without_retries_are_503(email_app):
    proxy = DroppingProxy(None, drops=5)
    try:
        app = email_app(backend="smtp", smtp={"host": "127.0.0.1", "port": proxy.port, "security": "none",
                                              "retries": 0})
        with pytest.raises(ServiceUnavailable) as caught:
            send(app)
    finally:
        proxy.close()
    assert f"SMTP server 127.0.0.1:{proxy.port} closed the connection" in caught.value.message
    assert proxy.accepted == 1
