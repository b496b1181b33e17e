"""Issue 10, item 6: an office admin must not make the server connect into the operator's
own network. Every address an office admin types (the IMAP server of a mailbox, the
Mastodon or Bluesky server of an account) is refused when saved if it is visibly not
public, and checked again on every connection (lib.netguard), so DNS rebinding and
redirects are refused too. What the admin is told is the same for every refused address,
so it never reveals whether something listens there.
"""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import requests

from rathaus.connectors import accounts, family
from rathaus.delivery.channels import PermanentError
from rathaus.lib import netguard
from rathaus.mail import background
from rathaus.mail.admin import MailboxForm
from rathaus.mail.models import Mailbox
from rathaus.offices.access import LifecycleError
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving
from tests.loopback import free_port

mastodon_fake = serving(FakeMastodon)
bluesky_fake = serving(FakeBluesky)


class Listener:
    """A TCP port on loopback that counts the connections made to it (and closes them):
    what an internal service would see of an attempt."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while self._running:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def stop(self) -> None:
        self._running = False
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    running = Listener()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _nothing_allowed(settings):
    settings.FEDERATION_PRIVATE_HOSTS = []


REFUSED_HOSTS = [
    "127.0.0.1",
    "127.0.0.2",
    "[::1]",
    "::1",
    "0.0.0.0",
    "169.254.169.254",
    "10.0.0.5",
    "localhost",
    "2130706433",  # 127.0.0.1 as one decimal number
    "0x7f.1",
    "::ffff:127.0.0.1",  # IPv4-mapped IPv6
    "127.0.0.1:18999",  # a port in the host field
    "127.0.0.2:6379",
]


def _form(office, host, **extra):
    data = {
        "office": office.pk,
        "address": "buergeranfragen@mitte.example",
        "active": "on",
        "imap_host": host,
        "imap_security": "ssl",
        "imap_username": "u",
        "imap_password": "p",
        "imap_folder": "INBOX",
    }
    return MailboxForm(data=data | extra)


# ----- IMAP: refused when saved --------------------------------------------------------


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_the_mailbox_form_refuses_an_address_that_is_not_public(office, host):
    form = _form(office, host)
    assert not form.is_valid()
    assert form.has_error("imap_host", "not_public")


def test_the_mailbox_form_takes_a_server_name_and_an_allowed_host(office, settings):
    assert _form(office, "imap.mitte.example").is_valid()
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    assert _form(office, "127.0.0.1").is_valid()


def test_the_admin_answers_a_refused_address_with_a_form_error(admin_site_as, office):
    page = admin_site_as("mail").post(
        "/admin/mail/mailbox/add/",
        {
            "office": office.pk,
            "address": "buergeranfragen@mitte.example",
            "active": "on",
            "imap_host": "127.0.0.2",
            "imap_port": "6379",
            "imap_security": "ssl",
            "imap_username": "u",
            "imap_password": "p",
            "imap_folder": "INBOX",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert "Not a public address" in page.text
    assert not Mailbox.objects.exists()


# ----- IMAP: refused when connecting ---------------------------------------------------


def _mailbox(office, host, port, security=Mailbox.Security.SSL):
    """Saved past the form, as a mailbox saved before these rules or under an allowed
    name would be."""
    return Mailbox.objects.create(
        office=office,
        address="buergeranfragen@mitte.example",
        imap_host=host,
        imap_port=port,
        imap_security=security,
        imap_username="u",
        imap_password="p",
    )


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "2130706433", "::ffff:127.0.0.1", "127.1"]
)
@pytest.mark.parametrize("security", [Mailbox.Security.SSL, Mailbox.Security.STARTTLS])
def test_fetching_never_connects_to_a_host_that_is_not_public(
    office, listener, host, security, english_messages
):
    mailbox = _mailbox(office, host, listener.port, security)
    assert background.fetch(mailbox) == 0
    assert listener.connections == 0
    mailbox.refresh_from_db()
    assert mailbox.last_error == f"The IMAP server {host} is not a public address."


def test_the_error_does_not_tell_an_open_port_from_a_closed_one(office, listener, english_messages):
    errors = []
    for host, port in (("127.0.0.1", listener.port), ("127.0.0.1", free_port())):
        mailbox = _mailbox(office, host, port)
        background.fetch(mailbox)
        mailbox.refresh_from_db()
        errors.append(mailbox.last_error)
        mailbox.delete()
    assert errors[0] == errors[1]
    assert listener.connections == 0


def test_an_allowed_host_is_connected_and_a_failure_said_in_general_words(
    office, listener, settings, english_messages
):
    """The control: the listener does see a connection the rules allow, and connection
    failures to an allowed host do not say how the port answered."""
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    closed = _mailbox(office, "127.0.0.1", free_port())
    background.fetch(closed)
    closed.refresh_from_db()
    assert closed.last_error == "Could not connect to the IMAP server 127.0.0.1."
    closed.delete()
    background.fetch(_mailbox(office, "127.0.0.1", listener.port))
    assert listener.connections == 1


def test_dns_rebinding_is_refused_when_connecting(office, listener, settings):
    """Saved while the name was allowed (as a name that resolved to a public address then
    would be); by the time the worker connects it is not: nothing connects."""
    settings.FEDERATION_PRIVATE_HOSTS = ["localhost"]
    form = _form(office, "localhost", imap_port=str(listener.port))
    assert form.is_valid(), form.errors
    mailbox = form.save()
    settings.FEDERATION_PRIVATE_HOSTS = []
    assert background.fetch(Mailbox.objects.get(pk=mailbox.pk)) == 0
    assert listener.connections == 0


# ----- the reusable clients ------------------------------------------------------------


class _Redirect(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def redirector(listener):
    """An allowed web server (as ``localhost``) that redirects to the listener on
    127.0.0.1, which is not allowed."""
    _Redirect.target = f"http://127.0.0.1:{listener.port}/internal"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.0.0.2"])
def test_the_http_clients_refuse_an_address_that_is_not_public(listener, host):
    url = f"http://{host}:{listener.port}/"
    with pytest.raises(netguard.Refused):
        httpx.Client(transport=netguard.HTTPTransport()).get(url)
    with pytest.raises(netguard.Refused):
        netguard.requests_session().get(url, timeout=5)
    assert listener.connections == 0


def test_the_http_clients_refuse_a_redirect_into_the_network(listener, redirector, settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["localhost"]
    with pytest.raises(netguard.Refused):
        httpx.Client(transport=netguard.HTTPTransport(), follow_redirects=True).get(redirector)
    with pytest.raises(netguard.Refused):
        netguard.requests_session().get(redirector, timeout=5)
    assert listener.connections == 0


def test_the_http_clients_connect_to_an_allowed_host(listener, settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    url = f"http://127.0.0.1:{listener.port}/"
    with pytest.raises(httpx.HTTPError):  # connected, then closed without an answer
        httpx.Client(transport=netguard.HTTPTransport()).get(url)
    with pytest.raises(requests.RequestException):
        netguard.requests_session().get(url, timeout=5)
    assert listener.connections >= 2


# ----- connectors: the server an office admin typed ----------------------------------


@pytest.mark.parametrize(
    "api_base",
    [
        "http://127.0.0.1:8080",
        "http://127.0.0.2:6379",
        "https://[::1]/",
        "http://0.0.0.0",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8080",
        "http://2130706433/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_a_connectors_server_is_refused_when_asked_for_and_when_checked(
    office, office_admin, api_base
):
    with pytest.raises(LifecycleError):
        accounts.request_connection(
            office, "mastodon", {"access_token": "t"}, api_base=api_base, by=office_admin
        )
    with pytest.raises(PermanentError, match="not a public address"):
        accounts.check_server(api_base)


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_a_connectors_calls_are_refused_once_the_address_is_no_longer_allowed(
    platform, request, connect_account, settings
):
    """Connected while allowed; then its name points elsewhere (here: taken off the
    allow-list): every call is refused before connecting, as a permanent error."""
    fake = request.getfixturevalue(f"{platform}_fake")
    if platform == "bluesky":
        account = fake.connect(connect_account)
    else:
        account = connect_account("mastodon", api_base=fake.url, **fake.connection_values())
    settings.FEDERATION_PRIVATE_HOSTS = []
    before = len(fake.requests)
    connector = family.connector_for(account)
    with pytest.raises(PermanentError, match="not a public address"), connector.calling():
        connector.fetch("")
    assert len(fake.requests) == before
