"""Remote actors and their keys, as the inbox needs them: fetched once and stored, fetched
again when the key no longer verifies, and never believed from the wrong host."""

import copy

import pytest

from rathaus.federation import actors
from rathaus.federation.models import RemoteActor
from rathaus.lib import httpsig
from tests.fediverse_server import FediverseServer, mastodon_actor

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rotated_keys() -> tuple[str, str]:
    return httpsig.generate_key_pair()


@pytest.fixture
def server(settings):
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1", "localhost"]
    settings.FEDERATION_DOMAIN = "rathaus.example"
    with FediverseServer() as server:
        yield server


@pytest.fixture
def alice(server, signing_keys) -> dict:
    document = mastodon_actor(server.base, signing_keys[1])
    server.json("/users/alice", document)
    return document


def test_get_stores_a_mastodon_actor(server, alice, signing_keys):
    actor = actors.get(alice["id"])

    stored = RemoteActor.objects.get(uri=alice["id"])
    assert stored == actor
    assert actor.domain == "127.0.0.1"
    assert actor.username == "alice"
    assert actor.name == "Alice Beispiel"
    assert actor.url == server.url("/@alice")
    assert actor.inbox == server.url("/users/alice/inbox")
    assert actor.shared_inbox == server.url("/inbox")
    assert actor.delivery_inbox == server.url("/inbox")
    assert actor.key_id == server.url("/users/alice#main-key")
    assert actor.public_key_pem == signing_keys[1]
    assert "Signature" in server.requests[0].headers  # signed by the instance actor


def test_get_uses_the_stored_actor_without_asking_again(server, alice):
    first = actors.get(alice["id"])
    assert actors.get(alice["id"]) == first
    assert len(server.requests) == 1


def test_public_key_for_uses_the_stored_key_without_a_request(server, alice, signing_keys):
    actors.get(alice["id"])
    assert actors.public_key_for(alice["publicKey"]["id"]) == signing_keys[1]
    assert len(server.requests) == 1


def test_refresh_fetches_the_rotated_key(server, alice, signing_keys, rotated_keys):
    actors.get(alice["id"])
    rotated = copy.deepcopy(alice)
    rotated["publicKey"]["publicKeyPem"] = rotated_keys[1]
    server.json("/users/alice", rotated)

    assert actors.public_key_for(alice["publicKey"]["id"]) == signing_keys[1]
    assert actors.public_key_for(alice["publicKey"]["id"], refresh=True) == rotated_keys[1]
    assert RemoteActor.objects.get().public_key_pem == rotated_keys[1]
    assert len(server.requests) == 2


def test_an_unknown_key_id_is_fetched_once(server, alice, signing_keys):
    key_id = alice["publicKey"]["id"]
    assert actors.public_key_for(key_id) == signing_keys[1]
    assert actors.public_key_for(key_id) == signing_keys[1]
    # The fragment is not sent: the key lives in the actor document.
    assert [r.path for r in server.requests] == ["/users/alice"]
    assert actors.owner_of(key_id).uri == alice["id"]


def test_the_inbox_check_verifies_with_a_rotated_key(server, alice, rotated_keys):
    """As the inbox uses it: a stored key that no longer verifies is fetched again, once."""
    actors.get(alice["id"])
    rotated = copy.deepcopy(alice)
    rotated["publicKey"]["publicKeyPem"] = rotated_keys[1]
    server.json("/users/alice", rotated)
    inbox = "https://rathaus.example/ap/inbox"
    body = b'{"type": "Follow"}'
    headers = {"Content-Type": "application/activity+json"}
    headers |= httpsig.sign(
        "POST", inbox, headers, body, key_id=alice["publicKey"]["id"], private_pem=rotated_keys[0]
    )

    verified = httpsig.verify(
        "POST", "/ap/inbox", headers, body, public_key_for=actors.public_key_for
    )
    assert verified.key_id == alice["publicKey"]["id"]
    assert len(server.requests) == 2


def test_a_key_object_leads_to_its_owner(server, signing_keys):
    """GoToSocial's key id is <actor>/main-key, a document of its own naming the owner."""
    actor = mastodon_actor(server.base, signing_keys[1], "gertrud")
    key_id = server.url("/users/gertrud/main-key")
    actor["publicKey"]["id"] = key_id
    server.json("/users/gertrud", actor)
    server.json(
        "/users/gertrud/main-key",
        {
            "@context": "https://w3id.org/security/v1",
            "id": key_id,
            "owner": actor["id"],
            "publicKeyPem": signing_keys[1],
        },
    )

    assert actors.public_key_for(key_id) == signing_keys[1]
    assert [r.path for r in server.requests] == ["/users/gertrud/main-key", "/users/gertrud"]
    assert actors.owner_of(key_id).username == "gertrud"


def test_a_key_object_refreshes_a_known_owner(server, signing_keys, rotated_keys):
    actor = mastodon_actor(server.base, signing_keys[1], "gertrud")
    key_id = server.url("/users/gertrud/main-key")
    actor["publicKey"]["id"] = key_id
    server.json("/users/gertrud", actor)
    actors.get(actor["id"])
    actor["publicKey"]["publicKeyPem"] = rotated_keys[1]
    server.json("/users/gertrud", actor)
    server.json(
        "/users/gertrud/main-key", {"id": key_id, "owner": actor["id"], "publicKeyPem": "x"}
    )

    assert actors.public_key_for(key_id, refresh=True) == rotated_keys[1]


def test_a_key_object_may_not_name_an_owner_on_another_host(server, signing_keys):
    key_id = server.url("/keys/1")
    owner = f"http://localhost:{server.port}/users/gertrud"
    server.json("/keys/1", {"id": key_id, "owner": owner, "publicKeyPem": signing_keys[1]})

    assert actors.public_key_for(key_id) is None
    assert [r.path for r in server.requests] == ["/keys/1"]


def test_a_different_id_on_the_same_host_is_fetched_from_there(server, alice):
    server.json("/@alice", alice)  # a profile URL that answers with the actor
    actor = actors.get(server.url("/@alice"))
    assert actor.uri == alice["id"]
    assert [r.path for r in server.requests] == ["/@alice", "/users/alice"]


def test_a_document_of_another_host_is_refused(server, signing_keys):
    """127.0.0.1 may not speak for localhost: each host vouches only for its own actors."""
    elsewhere = mastodon_actor(f"http://localhost:{server.port}", signing_keys[1], "mallory")
    server.json("/users/mallory", elsewhere)

    with pytest.raises(actors.InvalidActor, match="another host"):
        actors.get(server.url("/users/mallory"))
    assert actors.public_key_for(server.url("/users/mallory#main-key")) is None
    assert not RemoteActor.objects.exists()


def test_an_actor_may_not_claim_a_key_id_of_another_host(server, signing_keys):
    mallory = mastodon_actor(server.base, signing_keys[1], "mallory")
    mallory["publicKey"]["id"] = "https://mastodon.example/users/victim#main-key"
    server.json("/users/mallory", mallory)

    with pytest.raises(actors.InvalidActor, match="key id"):
        actors.get(mallory["id"])
    assert actors.owner_of("https://mastodon.example/users/victim#main-key") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "Note"}, "not an actor"),
        ({"type": ["Person", "Bot"]}, "not an actor"),
        ({"inbox": None}, "inbox"),
        ({"publicKey": None}, "publicKeyPem"),
        (
            {"publicKey": {"id": "k", "owner": "https://elsewhere.example/users/bob"}},
            "publicKeyPem",
        ),
    ],
)
def test_a_document_that_is_no_usable_actor_is_refused(server, alice, change, message):
    server.json("/users/alice", {**alice, **change})
    with pytest.raises(actors.InvalidActor, match=message):
        actors.get(alice["id"])


def test_a_key_owned_by_someone_else_is_refused(server, alice):
    bad = copy.deepcopy(alice)
    bad["publicKey"]["owner"] = server.url("/users/bob")
    server.json("/users/alice", bad)
    with pytest.raises(actors.InvalidActor, match="belongs to"):
        actors.get(alice["id"])


def test_a_fetch_error_gives_no_key(server):
    server.status("/users/gone", 410)
    assert actors.public_key_for(server.url("/users/gone#main-key")) is None
    assert actors.public_key_for(server.url("/users/missing#main-key")) is None
    assert actors.public_key_for("http://10.0.0.1/users/x#main-key") is None
    assert len(server.requests) == 2


def test_an_unknown_key_fails_the_signature_check(server):
    """What the inbox answers with 401: httpsig's UnknownKey, not an error page."""
    server.status("/users/gone", 410)
    headers = httpsig.sign(
        "GET", "https://rathaus.example/ap/presse", {}, None,
        key_id=server.url("/users/gone#main-key"), private_pem=httpsig.generate_key_pair()[0],
    )  # fmt: skip
    with pytest.raises(httpsig.UnknownKey):
        httpsig.verify("GET", "/ap/presse", headers, None, public_key_for=actors.public_key_for)


def test_lookup_finds_an_actor_through_webfinger(server, alice):
    server.json(
        "/.well-known/webfinger",
        {
            "subject": f"acct:alice@{server.netloc}",
            "aliases": [server.url("/@alice"), alice["id"]],
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
                 "href": server.url("/@alice")},
                {"rel": "self", "type": "application/activity+json", "href": alice["id"]},
                {"rel": "http://ostatus.org/schema/1.0/subscribe",
                 "template": server.url("/authorize_interaction?uri={uri}")},
            ],
        },
        content_type="application/jrd+json",
    )  # fmt: skip

    actor = actors.lookup(f"@alice@{server.netloc}")

    assert actor.uri == alice["id"]
    webfinger = server.requests[0]
    assert webfinger.query == {"resource": f"acct:alice@{server.netloc}"}
    assert "Signature" not in webfinger.headers
    assert actors.lookup(f"alice@{server.netloc}") == actor


def test_lookup_needs_an_activitypub_link(server):
    server.json(
        "/.well-known/webfinger",
        {"subject": "acct:alice@x", "links": [{"rel": "self", "type": "text/html", "href": "/"}]},
    )
    with pytest.raises(actors.InvalidActor, match="no ActivityPub actor"):
        actors.lookup(f"alice@{server.netloc}")


@pytest.mark.parametrize("handle", ["alice", "@alice", "alice@", "alice@evil.example/x", ""])
def test_lookup_refuses_what_is_no_handle(handle):
    with pytest.raises(actors.InvalidActor, match="not a Fediverse address"):
        actors.lookup(handle)
