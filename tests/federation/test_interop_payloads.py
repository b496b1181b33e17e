"""Interop evidence: what Mastodon 4.x, Misskey, Pixelfed and GoToSocial really send, POSTed to
our inbox signed the way each of them signs, the signer's actor fetched over loopback HTTP from
a stand-in server. The payloads and where their shapes come from: tests/payloads/README.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rathaus.federation.models import (
    Activity,
    Follower,
    IncomingRequest,
    Outgoing,
    Reaction,
    RemoteActor,
)
from rathaus.inbox.models import Message
from tests.federation.interop import QUESTION, SOFTWARES, Remote, http_date
from tests.fediverse_server import FediverseServer

pytestmark = pytest.mark.usefixtures("loopback_federation")


@pytest.fixture(params=SOFTWARES, ids=[software.name for software in SOFTWARES])
def remote(request, client, signing_keys, account, published):
    with FediverseServer() as server:
        yield Remote(request.param, server, client, signing_keys, account, published)


# --- the tests ---------------------------------------------------------------------------------


def test_it_fetches_and_stores_the_signer(remote):
    assert remote.deliver("follow").status_code == 202

    actor = RemoteActor.objects.get()
    assert actor.uri == remote.actor
    assert actor.domain == "127.0.0.1"
    assert actor.username == "anna"
    assert actor.inbox == remote.actor + "/inbox"
    shared = remote.software.shared_inbox
    assert actor.shared_inbox == (remote.server.url(shared) if shared else "")
    assert actor.key_id == remote.key_id
    assert actor.public_key_pem == remote.values["{PUBLIC_KEY_PEM}"]
    # Fetched over HTTP, signed by our instance actor; GoToSocial's key id is a document of
    # its own that leads to the actor.
    paths = [r.path for r in remote.gets()]
    if remote.software.key_suffix == "/main-key":
        assert paths == [remote.software.actor_path + "/main-key", remote.software.actor_path]
    else:
        assert paths == [remote.software.actor_path]
    assert all(remote.signed_by_us(r) for r in remote.gets())


def test_it_accepts_a_follow(remote, account):
    follow = remote.payload("follow")
    assert remote.deliver(follow).status_code == 202

    follower = Follower.objects.get()
    assert (follower.account, follower.actor.uri) == (account, remote.actor)
    assert follower.follow_id == follow["id"]
    accept = Activity.objects.get(kind="Accept")
    assert accept.body["actor"] == remote.values["{OUR_ACTOR}"]
    assert accept.body["object"]["id"] == follow["id"]
    assert accept.body["object"]["actor"] == remote.actor
    outgoing = Outgoing.objects.get(activity=accept)
    assert outgoing.inbox == remote.actor + "/inbox"
    assert outgoing.status == Outgoing.Status.QUEUED


def test_it_ends_a_follow_on_undo(remote):
    remote.deliver("follow")
    assert Follower.objects.exists()

    assert remote.deliver("undo_follow").status_code == 202
    assert not Follower.objects.exists()


def test_it_files_a_reply_with_a_mention_in_the_citizen_inbox(remote, published):
    create = remote.payload("create_note_mention")
    assert remote.deliver(create).status_code == 202

    message = Message.objects.select_related("conversation").get()
    assert message.remote_id == create["object"]["id"]
    assert message.author_handle == f"@anna@{remote.server.netloc}"
    assert message.author_url == remote.actor
    assert message.in_reply_to == remote.our_note
    assert message.is_public
    assert message.conversation.post == published
    assert message.conversation.channel == "fediverse"
    assert QUESTION in message.text_html
    # Their markup is reduced to ours: classes, targets and the like are dropped.
    for attribute in ("class=", "target=", "translate="):
        assert attribute not in message.text_html


def test_it_counts_a_like(remote, published):
    assert remote.deliver("like").status_code == 202
    assert published.reactions.get().kind == Reaction.Kind.LIKE
    assert remote.actor not in str(list(Reaction.objects.values()))


def test_it_counts_an_announce(remote, published):
    assert remote.deliver("announce").status_code == 202
    assert published.reactions.get().kind == Reaction.Kind.ANNOUNCE


def test_it_removes_the_text_of_a_deleted_reply(remote):
    remote.deliver("create_note_mention")
    assert QUESTION in Message.objects.get().text_html

    assert remote.deliver("delete_note").status_code == 202
    message = Message.objects.get()
    assert message.text_html == ""
    assert message.removed_at is not None


def test_it_forgets_a_deleted_actor(remote):
    remote.deliver("follow")
    remote.deliver("create_note_mention")
    remote.gone()
    fetched = len(remote.gets())

    assert remote.deliver("delete_actor").status_code == 202
    assert not RemoteActor.objects.exists()
    assert not Follower.objects.exists()
    message = Message.objects.get()
    assert (message.text_html, message.author_name) == ("", "")
    assert len(remote.gets()) == fetched  # verified with the key we hold: nothing to fetch


def _with_unknown_fields(activity: dict) -> dict:
    extra = {
        "_rathausUnbekannt": {"nested": [1, None, {"deep": True}]},
        "https://example.org/ns#extension": ["x", {"@value": "y", "@language": "de"}],
        "quoteAuthorization": None,
    }
    if isinstance(activity.get("object"), dict):
        activity["object"] |= extra
    return activity | extra


def test_unknown_fields_break_nothing(remote, published):
    remote.deliver(_with_unknown_fields(remote.payload("follow")))
    assert Follower.objects.exists()
    for name in ("create_note_mention", "like", "announce", "undo_follow", "delete_note"):
        assert remote.deliver(_with_unknown_fields(remote.payload(name))).status_code == 202
    remote.gone()
    assert remote.deliver(_with_unknown_fields(remote.payload("delete_actor"))).status_code == 202

    assert published.reactions.count() == 2
    assert Message.objects.get().removed_at is not None
    assert not Follower.objects.exists()
    assert not RemoteActor.objects.exists()


def test_a_signature_is_checked_over_the_headers_it_names(remote, caplog):
    """Not an empty acceptance: the same request with its Date moved by a second fails.
    (A signature that fails with the stored key may mean a rotated key: a worker refetches
    it, so the request itself is answered 202 and dropped there.)"""
    body, headers = remote.signed_headers(remote.payload("follow"))
    headers["Date"] = http_date(datetime.now(UTC) + timedelta(seconds=5))

    response = remote.post(body, headers)

    assert response.status_code == 202
    assert "refused: BadSignature" in caplog.text
    assert not Follower.objects.exists()
    assert not IncomingRequest.objects.exists()
