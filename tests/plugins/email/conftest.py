"""Real SMTP servers (aiosmtpd, each in its own thread) for the email plugin's tests: plain,
with AUTH, with STARTTLS and with implicit TLS, using a certificate authority made here."""

import datetime
import os
import ipaddress
import socket
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jhe_core.testing import make_test_app

SMTP_USER = "mailer"
SMTP_PASSWORD = "s3cret-Pa55word!"
PASSWORD_ENV = "EMAIL_TEST_SMTP_PASSWORD"


def pytest_collection_modifyitems(items):
    # The "auth" server takes AUTH without TLS on purpose (the test reads the wire);
    # aiosmtpd warns about that on every connection.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """Keeps every accepted envelope; answers ``451`` to the next ``fail_next`` DATA commands."""

    def __init__(self):
        self.envelopes = []
        self.fail_next = 0
        self.data_attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 Mailbox temporarily unavailable, try again"
        self.envelopes.append(envelope)
        return "250 2.0.0 OK queued"

    def reset(self):
        self.envelopes.clear()
        self.fail_next = 0
        self.data_attempts = 0


def check_password(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode() \
        and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def name(text):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    """A throw-away CA and a server certificate for localhost / 127.0.0.1 signed by it."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder().subject_name(name("jhe test CA")).issuer_name(name("jhe test CA"))
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name("localhost")).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return {k: str(v) for k, v in paths.items()}


def server_tls_context(certificates) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    return context


class SmtpServer:
    def __init__(self, controller, recorder):
        self.controller = controller
        self.recorder = recorder
        self.host = controller.hostname
        self.port = controller.port


def start_server(**options) -> SmtpServer:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return SmtpServer(controller, recorder)


@pytest.fixture(scope="module")
def smtp_servers(certificates):
    """``plain`` (no auth, no TLS), ``auth`` (AUTH without TLS), ``starttls`` (STARTTLS then
    AUTH required) and ``tls`` (implicit TLS, no auth)."""
    servers = {
        "plain": start_server(),
        # Plain-text AUTH (aiosmtpd warns about it) lets the test see the login on the wire.
        "auth": start_server(authenticator=check_password, auth_required=True, auth_require_tls=False),
        "starttls": start_server(tls_context=server_tls_context(certificates), require_starttls=True,
                                 authenticator=check_password, auth_required=True),
        "tls": start_server(ssl_context=server_tls_context(certificates)),
    }
    yield servers
    for server in servers.values():
        server.controller.stop()


@pytest.fixture
def fresh_servers(smtp_servers):
    for server in smtp_servers.values():
        server.recorder.reset()
    return smtp_servers


@pytest.fixture(scope="session")
def email_app():
    """``email_app(**section)``: an app with only the email plugin and this ``[plugins.email]``
    section (the database is not used, so no demo data)."""
    def build(**section):
        return make_test_app(enabled=["email"], demo=False, config={"plugins": {"email": section}})
    return build


@pytest.fixture(scope="session")
def smtp_credentials():
    """The AUTH servers' account; the password reaches config as ``{"$env": ...}``."""
    return {"username": SMTP_USER, "password": SMTP_PASSWORD, "env": PASSWORD_ENV}


@pytest.fixture(scope="module", autouse=True)
def smtp_password_in_environment():
    previous = os.environ.get(PASSWORD_ENV)
    os.environ[PASSWORD_ENV] = SMTP_PASSWORD
    yield
    if previous is None:
        os.environ.pop(PASSWORD_ENV, None)
    else:
        os.environ[PASSWORD_ENV] = previous
