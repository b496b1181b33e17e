"""IMAP over TLS (port 993 style) with certificate checking: a server whose certificate
the system trusts is fetched, one it does not trust is refused before the password is
sent. The test CA is made here and trusted through SSL_CERT_FILE."""

import datetime
import ipaddress
import ssl
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from rathaus.inbox.models import Message
from rathaus.mail import background
from rathaus.mail.models import Mailbox
from tests.imap_server import IMAPServer


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject, issuer, key, signer, *, ca: bool):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        address = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
        builder = builder.add_extension(x509.SubjectAlternativeName([address]), critical=False)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name("Test CA"), _name("Test CA"), ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(_name("127.0.0.1"), _name("Test CA"), key, ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "server.pem").write_bytes(leaf.public_bytes(pem))
    (folder / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder


@pytest.fixture
def server(tls_files):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_files / "server.pem", tls_files / "server.key")
    running = IMAPServer(ssl_context=context).start()
    yield running
    running.stop()


@pytest.fixture
def mailbox(office, server, settings):
    # The test server runs on loopback, which the operator must allow (issue 10, item 6).
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    return Mailbox.objects.create(
        office=office,
        address="buergeranfragen@mitte.example",
        imap_host="127.0.0.1",
        imap_port=server.port,
        imap_security=Mailbox.Security.SSL,
        imap_username=server.username,
        imap_password=server.password,
    )


def mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Message-ID"] = "<tls@example.org>"
    msg.set_content("Über TLS.")
    return msg.as_bytes(policy=SMTP)


def test_a_trusted_server_is_fetched_over_tls(server, mailbox, tls_files, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files / "ca.pem"))
    server.add(mail())
    assert background.fetch(mailbox) == 1
    assert mailbox.last_error == ""
    assert Message.objects.count() == 1


def test_an_untrusted_certificate_is_refused_before_logging_in(server, mailbox):
    server.add(mail())
    assert background.fetch(mailbox) == 0
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_error
    assert server.logins == 0
    assert not Message.objects.exists()
