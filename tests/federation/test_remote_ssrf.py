"""Remote URLs come from strangers: the client must never be turned against our own network
(loopback, private ranges, the cloud metadata service), not by a literal address, not by a
name that resolves there, and not by a redirect."""

import pytest

from rathaus.federation import remote
from tests.fediverse_server import FediverseServer

DOCUMENT = {"id": "https://social.example/users/alice", "type": "Person"}


@pytest.fixture
def server():
    with FediverseServer() as server:
        server.json("/doc", DOCUMENT)
        yield server


@pytest.fixture(autouse=True)
def _http(settings):
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = []


@pytest.fixture
def loopback_allowed(settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1", "localhost"]


@pytest.fixture
def short_timeouts(monkeypatch):
    """A connection attempt would end as Unreachable after a second; Refused comes first."""
    monkeypatch.setattr(remote, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setattr(remote, "TOTAL_TIMEOUT", 1.5)


def fetch(url: str) -> dict:
    async def get() -> dict:
        async with remote.session() as client:
            return await remote.get_json(client, url)

    return remote.run(get())


def test_it_refuses_a_loopback_address(server):
    with pytest.raises(remote.Refused, match="not a public address"):
        fetch(server.url("/doc"))
    assert server.requests == []


def test_it_refuses_a_name_that_resolves_to_loopback(server):
    with pytest.raises(remote.Refused, match="localhost resolves to"):
        fetch(f"http://localhost:{server.port}/doc")
    assert server.requests == []


def test_it_contacts_loopback_hosts_on_the_allow_list(server, loopback_allowed):
    assert fetch(server.url("/doc")) == DOCUMENT
    assert fetch(f"http://localhost:{server.port}/doc") == DOCUMENT
    assert len(server.requests_to("/doc")) == 2


def test_the_allow_list_ignores_case(server, settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["LocalHost"]
    assert fetch(f"http://LOCALHOST:{server.port}/doc") == DOCUMENT


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0:8000/",
    ],
)
def test_it_refuses_private_addresses_before_connecting(url, short_timeouts):
    with pytest.raises(remote.Refused):
        fetch(url)


def test_it_refuses_legacy_spellings_of_loopback(short_timeouts):
    with pytest.raises(remote.Refused):
        fetch("http://2130706433/")  # 127.0.0.1 as one number


def test_it_refuses_http_unless_allowed(server, loopback_allowed, settings):
    settings.FEDERATION_ALLOW_HTTP = False
    with pytest.raises(remote.Refused, match="scheme"):
        fetch(server.url("/doc"))
    assert server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/"])
def test_it_refuses_other_schemes(url):
    with pytest.raises(remote.Refused, match="scheme"):
        fetch(url)


def test_it_refuses_a_url_with_credentials(server, loopback_allowed):
    with pytest.raises(remote.Refused, match="password"):
        fetch(f"http://user:secret@127.0.0.1:{server.port}/doc")
    assert server.requests == []


def test_it_refuses_a_redirect_to_a_host_not_allowed(server, settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["localhost"]  # the name, not the literal
    server.json("/secret", {"admin": True})
    server.redirect("/moved", server.url("/secret"))
    with pytest.raises(remote.Refused):
        fetch(f"http://localhost:{server.port}/moved")
    assert server.requests_to("/moved")
    assert not server.requests_to("/secret")


def test_it_refuses_a_redirect_to_the_metadata_service(server, loopback_allowed, short_timeouts):
    server.redirect("/moved", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(remote.Refused, match=r"169\.254\.169\.254"):
        fetch(server.url("/moved"))


def test_it_follows_three_redirects(server, loopback_allowed):
    server.redirect("/r1", "/r2", status=301)
    server.redirect("/r2", server.url("/r3"), status=307)
    server.redirect("/r3", "/doc", status=308)
    assert fetch(server.url("/r1")) == DOCUMENT


def test_it_refuses_a_fourth_redirect(server, loopback_allowed):
    for hop in range(1, 4):
        server.redirect(f"/r{hop}", f"/r{hop + 1}")
    server.redirect("/r4", "/doc")  # the fourth
    with pytest.raises(remote.Refused, match="redirects"):
        fetch(server.url("/r1"))
    assert not server.requests_to("/doc")


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.100.0.1",
     "224.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
     "::ffff:127.0.0.1", "ff02::1", "64:ff9b::a00:1", "2002:a00:1::"],
)  # fmt: skip
def test_it_counts_these_addresses_as_ours(address):
    assert not remote.is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2a00:1450:4001:82b::200e", "1.1.1.1"])
def test_it_counts_these_addresses_as_public(address):
    assert remote.is_public(address)
