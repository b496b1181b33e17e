"""Servers with authorized fetch (Mastodon's secure mode, GoToSocial by default) answer a GET
only if it is signed: fetch_json signs as the instance actor, and the far side can verify
that with the instance actor's public key."""

import json

import pytest
from aiohttp import web

from rathaus.federation import identities, remote
from rathaus.federation.models import InstanceActor
from rathaus.lib import httpsig
from tests.fediverse_server import FediverseServer, Recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings):
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.FEDERATION_DOMAIN = "rathaus.example"
    with FediverseServer() as server:
        yield server


@pytest.fixture
def instance_key_id(server) -> str:
    return identities.instance_actor() + "#main-key"


def secure_mode(server: FediverseServer, path: str, key_id: str, public_pem: str, answer):
    """A route that, like Mastodon in secure mode, answers 401 unless the signature verifies;
    it notes what it verified on the recorded request."""

    def lookup(asked: str, refresh: bool = False) -> str | None:
        return public_pem if asked == key_id else None

    def handle(request: Recorded) -> web.Response:
        try:
            verified = httpsig.verify(
                request.method,
                request.path_qs,
                request.headers,
                request.body,
                public_key_for=lookup,
            )
        except httpsig.SignatureError as error:
            return web.Response(status=401, text=str(error))
        request.verified = verified
        return web.json_response(answer, content_type="application/activity+json")

    server.route(path, handle, "POST" if answer is None else "GET")


def test_fetch_json_signs_as_the_instance_actor(server, instance_key_id):
    instance = InstanceActor.get()
    secure_mode(server, "/users/alice", instance_key_id, instance.public_key_pem, {"id": "a"})

    assert remote.fetch_json(server.url("/users/alice?page=1")) == {"id": "a"}

    (request,) = server.requests
    # with FEDERATION_ALLOW_HTTP the instance's own URLs are http too
    assert request.verified.key_id == "http://rathaus.example/ap/instance#main-key"
    assert request.verified.covered == ("(request-target)", "host", "date", "accept")
    assert request.headers["Accept"].startswith("application/activity+json")
    assert request.path_qs == "/users/alice?page=1"


def test_a_signature_by_another_key_is_refused_by_the_far_side(
    server, instance_key_id, signing_keys
):
    """The check above can fail: the same route refuses a request signed with another key."""
    InstanceActor.get()
    secure_mode(server, "/users/alice", instance_key_id, signing_keys[1], {"id": "a"})

    with pytest.raises(remote.BadStatus) as raised:
        remote.fetch_json(server.url("/users/alice"))
    assert raised.value.status == 401


def test_each_redirect_is_signed_for_its_own_url(server, instance_key_id):
    instance = InstanceActor.get()
    server.redirect("/@alice", "/users/alice")
    secure_mode(server, "/users/alice", instance_key_id, instance.public_key_pem, {"id": "a"})

    assert remote.fetch_json(server.url("/@alice")) == {"id": "a"}
    assert server.requests[-1].verified.key_id == instance_key_id


def test_an_unsigned_fetch_carries_no_signature(server):
    server.json("/.well-known/webfinger", {"subject": "acct:alice@x"})
    remote.fetch_json(server.url("/.well-known/webfinger"), signed=False, accept=remote.JRD_ACCEPT)
    (request,) = server.requests
    assert "Signature" not in request.headers
    assert request.headers["Accept"] == remote.JRD_ACCEPT


def test_a_post_is_signed_with_digest_and_content_type(server, signing_keys):
    key_id = "https://rathaus.example/ap/presse#main-key"
    secure_mode(server, "/inbox", key_id, signing_keys[1], None)
    body = json.dumps({"type": "Create", "actor": "https://rathaus.example/ap/presse"}).encode()

    async def post() -> remote.Response:
        async with remote.session() as client:
            return await remote.post_signed(
                client, server.url("/inbox"), body, key_id=key_id, private_pem=signing_keys[0]
            )

    assert remote.run(post()).status == 200
    (request,) = server.requests
    assert request.body == body
    assert request.headers["Content-Type"] == "application/activity+json"
    assert request.verified.covered == (
        "(request-target)",
        "host",
        "date",
        "digest",
        "content-type",
    )
