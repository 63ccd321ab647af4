"""``jhe email test --to ADDRESS`` through the real command line (click's CliRunner)."""

import socket

import pytest
from click.testing import CliRunner

from jhe_core.cli import cli, load_plugin_commands


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """``run(email_section_toml)``: invoke ``jhe email test`` with a jhe.toml holding it."""
    load_plugin_commands()
    assert "email" in cli.commands
    folder = tmp_path_factory.mktemp("cli")

    def invoke(section: str, to="ops@example.org"):
        config = folder / "jhe.toml"
        config.write_text(f'data_dir = "{folder / "data"}"\n'
                          f'database_url = "sqlite:///{folder / "jhe.db"}"\n'
                          '[plugins]\nenabled = ["email"]\n'
                          f"[plugins.email]\n{section}\n", encoding="utf-8")
        return CliRunner().invoke(cli, ["--config", str(config), "email", "test", "--to", to])
    return invoke


def test_sends_through_smtp_and_reports_the_message_id(run, fresh_servers):
    server = fresh_servers["plain"]
    result = run(f'backend = "smtp"\nsmtp = {{ host = "127.0.0.1", port = {server.port}, security = "none" }}')
    assert result.exit_code == 0, result.output
    (envelope,) = server.recorder.envelopes
    assert envelope.rcpt_tos == ["ops@example.org"]
    message_id = envelope.content.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode()
    assert result.output.startswith(f"sent test message to ops@example.org with backend smtp, Message-ID {message_id}")
    assert b"Test message from JupyterHealth Exchange" in envelope.content


def test_outbox_reports_the_file(run):
    result = run('backend = "outbox"')
    assert result.exit_code == 0, result.output
    assert "with backend outbox" in result.output and ".eml" in result.output.splitlines()[1]


def test_refused_connection_exits_1_with_the_reason_and_no_traceback(run):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(f'backend = "smtp"\nsmtp = {{ host = "127.0.0.1", port = {port}, security = "none" }}')
    assert result.exit_code == 1
    assert result.output == (f"Error: email not sent: cannot connect to SMTP server 127.0.0.1:{port}: "
                             "connection refused\n")


def test_bad_address_and_no_backend_exit_1(run):
    bad = run('backend = "outbox"', to="not-an-address")
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "is not one email address" in bad.output
    none = run('backend = "none"')
    assert none.exit_code == 1
    assert 'no email backend is configured (plugins.email.backend = "none")' in none.output
