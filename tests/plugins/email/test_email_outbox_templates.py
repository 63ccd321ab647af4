"""Development backends (outbox, console, none), templates with escaping and deployment
overrides, and the ``email.render`` service other plugins use."""

import logging
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from jhe_core import BadRequest, ServiceUnavailable


@pytest.fixture(scope="module")
def deployment_templates(tmp_path_factory):
    """A deployment's templates_dir overriding the test subject and adding ``welcome``."""
    folder = tmp_path_factory.mktemp("deployment-templates")
    (folder / "test.subject.txt").write_text("[{{ site_name }}] mail check via {{ backend }}\n", encoding="utf-8")
    (folder / "welcome.subject.txt").write_text("Welcome, {{ patient.name }}\n", encoding="utf-8")
    (folder / "welcome.txt").write_text("Hi {{ patient.name }}, open {{ link }}\n", encoding="utf-8")
    (folder / "welcome.html").write_text('<p>Hi {{ patient.name }}, <a href="{{ link }}">open</a> {{ badge }}</p>',
                                         encoding="utf-8")
    (folder / "typo.subject.txt").write_text("Hello {{ patinet }}", encoding="utf-8")
    (folder / "typo.txt").write_text("body", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def caller_templates(tmp_path_factory):
    """Another plugin's own templates: ``welcome`` (shadowed by the deployment) and ``invite``."""
    folder = tmp_path_factory.mktemp("caller-templates")
    (folder / "welcome.subject.txt").write_text("caller's welcome", encoding="utf-8")
    (folder / "welcome.txt").write_text("caller's body", encoding="utf-8")
    (folder / "invite.subject.txt").write_text("Join {{ study }}", encoding="utf-8")
    (folder / "invite.txt").write_text("Join {{ study }}", encoding="utf-8")
    (folder / "invite.html").write_text("<!DOCTYPE html><html><body>{{ study }}</body></html>", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def app(email_app, deployment_templates, tmp_path_factory):
    return email_app(from_address="Équipe JHE <team@jhe.example.org>", site_name="Demo & Co",
                     templates_dir=str(deployment_templates))


def send(app, **message):
    return app.exchange.hook.send_email(exchange=app.exchange, message=message)


def read_eml(path):
    with open(path, "rb") as fh:
        return BytesParser(policy=policy.default).parse(fh)


def test_outbox_is_the_default_and_writes_eml_files(email_app):
    app = email_app()
    result = send(app, to="Zoë <zoe@example.org>", subject="Grüße", text="Hallo ✓\n", html="<p>Hallo ✓</p>")
    outbox = app.exchange.config.data_dir / "outbox"
    assert result["backend"] == "outbox"
    assert Path(result["path"]).parent == outbox
    assert [p.name for p in outbox.iterdir()] == [Path(result["path"]).name]  # no temporary file left
    message = read_eml(result["path"])
    assert message["Message-ID"] == result["message_id"]
    assert message["Subject"] == "Grüße"
    assert message["To"].addresses[0].display_name == "Zoë"
    assert message["From"].addresses[0].addr_spec == "no-reply@localhost"
    assert message.get_body(("plain",)).get_content() == "Hallo ✓\n"
    assert message.get_body(("html",)).get_content().strip() == "<p>Hallo ✓</p>"


def test_outbox_dir_can_be_configured_and_unwritable_is_503(email_app, tmp_path):
    target = tmp_path / "mail"
    result = send(email_app(outbox_dir=str(target)), to=["a@example.org"], subject="s", text="t")
    assert Path(result["path"]).parent == target
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ServiceUnavailable) as caught:
        send(email_app(outbox_dir=str(blocker / "sub")), to=["a@example.org"], subject="s", text="t")
    assert caught.value.message.startswith(f"email not sent: cannot write to outbox {blocker / 'sub'}")


def test_console_backend_logs_the_message(email_app, caplog):
    app = email_app(backend="console")
    with caplog.at_level(logging.INFO, logger="jhe.email"):
        result = send(app, to=["a@example.org"], subject="console check", text="body text")
    assert result["backend"] == "console" and result["message_id"]
    assert "Subject: console check" in caplog.text and "body text" in caplog.text


def test_hook_send_email_returns_none_without_a_sender(email_app):
    app = email_app(backend="none")
    assert send(app, to=["a@example.org"], subject="s", text="t") is None


def test_invalid_config_is_refused_at_startup(email_app):
    from jhe_core.errors import JHEError
    with pytest.raises(JHEError, match="plugins.email.backend"):
        email_app(backend="pigeon")
    with pytest.raises(JHEError, match="plugins.email.smtp.security"):
        email_app(smtp={"security": "ssl"})
    with pytest.raises(JHEError, match="from_address"):
        email_app(from_address="nobody")
    with pytest.raises(JHEError, match="plugins.email.templates_dir: /nonexistent/templates is not a folder"):
        email_app(templates_dir="/nonexistent/templates")


def test_builtin_test_template_renders_both_parts(app):
    render = app.exchange.services["email.render"]
    rendered = render(app.exchange, "test", {"backend": "outbox", "sent_at": "now"})
    assert rendered["subject"] == "[Demo & Co] mail check via outbox"  # the deployment's override
    assert "sent with the \"outbox\" email backend" in rendered["text"].replace("\n", " ")
    assert rendered["text"].rstrip().endswith("Demo & Co")  # text layout
    assert rendered["html"].startswith("<!DOCTYPE html>")
    assert "<strong>Demo &amp; Co</strong>" in rendered["html"]  # escaped in HTML only


def test_html_values_are_escaped_unless_markup(app, caller_templates):
    from jhe_plugins.email import Markup
    render = app.exchange.services["email.render"]
    context = {"patient": {"name": "<script>alert(1)</script>"}, "link": 'https://x.example/?a=1&b="2"',
               "badge": Markup("<em>new</em>")}
    rendered = render(app.exchange, "welcome", context, search_dirs=[caller_templates])
    assert rendered["subject"] == "Welcome, <script>alert(1)</script>"  # deployment beats caller
    assert rendered["text"].startswith('Hi <script>alert(1)</script>, open https://x.example/?a=1&b="2"')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered["html"]
    assert "<script>" not in rendered["html"]
    assert 'href="https://x.example/?a=1&amp;b=&quot;2&quot;"' in rendered["html"]
    assert "<em>new</em>" in rendered["html"]


def test_caller_templates_are_found_and_whole_documents_skip_the_layout(app, caller_templates):
    rendered = app.exchange.services["email.render"](app.exchange, "invite", {"study": "Sleep & Mood"},
                                                      search_dirs=[str(caller_templates)])
    assert rendered == {"subject": "Join Sleep & Mood", "text": "Join Sleep & Mood\n\n-- \nDemo & Co\n",
                        "html": "<!DOCTYPE html><html><body>Sleep &amp; Mood</body></html>"}


def test_template_errors_are_clear(app):
    render = app.exchange.services["email.render"]
    with pytest.raises(ServiceUnavailable, match=r"typo.subject.txt: no value for \{\{ patinet \}\}"):
        render(app.exchange, "typo", {})
    with pytest.raises(ServiceUnavailable, match="email template nothing.subject.txt not found"):
        render(app.exchange, "nothing", {})
    with pytest.raises(ServiceUnavailable, match="not valid"):
        render(app.exchange, "../etc/passwd", {})


def test_send_email_renders_a_named_template(app, caller_templates):
    result = send(app, to=["Wei Chen <wei.chen@example.com>"], template="welcome",
                  context={"patient": {"name": "Wei & Co"}, "link": "https://x.example/i/abc", "badge": ""},
                  template_dirs=[str(caller_templates)])
    message = read_eml(result["path"])
    assert message["Subject"] == "Welcome, Wei & Co"
    assert message["From"].addresses[0].display_name == "Équipe JHE"
    assert message["Message-ID"].endswith("@jhe.example.org>")
    assert "Hi Wei &amp; Co" in message.get_body(("html",)).get_content()
    with pytest.raises(BadRequest, match="context: expected an object"):
        send(app, to=["a@example.org"], template="welcome", context=["x"])
