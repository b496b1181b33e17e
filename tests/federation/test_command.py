"""`manage.py federation`: what an operator uses to check federation with another server,
here a stand-in Mastodon (Bob on a local aiohttp server) whose inbox checks our signature."""

import io
import json
import re
from datetime import timedelta

import pytest
from aiohttp import web
from django.core.management import CommandError, call_command
from django.utils import timezone

from rathaus.federation.models import Activity, Outgoing, RemoteActor
from rathaus.lib import httpsig
from tests.fediverse_server import Recorded
from tests.loopback import free_port

KEY_ID = "http://rathaus.example/ap/presse#main-key"


@pytest.fixture
def bob(server, account, signing_keys):
    """Bob's WebFinger, actor document and inbox; the inbox accepts (202) only activities
    signed with the account's key and keeps them in ``server.received``."""
    actor = server.url("/users/bob")
    server.json(
        "/.well-known/webfinger",
        {
            "subject": f"acct:bob@{server.netloc}",
            "links": [{"rel": "self", "type": "application/activity+json", "href": actor}],
        },
        content_type="application/jrd+json",
    )
    server.json(
        "/users/bob",
        {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": actor,
            "type": "Person",
            "preferredUsername": "bob",
            "name": "Bob Beispiel",
            "inbox": f"{actor}/inbox",
            "endpoints": {"sharedInbox": server.url("/inbox")},
            "publicKey": {
                "id": f"{actor}#main-key",
                "owner": actor,
                "publicKeyPem": signing_keys[1],
            },
        },
    )
    server.received = []

    def inbox(request: Recorded) -> web.Response:
        try:
            verified = httpsig.verify(
                request.method,
                request.path_qs,
                request.headers,
                request.body,
                public_key_for=lambda key_id, refresh=False: (
                    account.public_key_pem if key_id == KEY_ID else None
                ),
            )
        except httpsig.SignatureError as error:
            return web.Response(status=401, text=f"{type(error).__name__}: {error}")
        server.received.append((verified, json.loads(request.body)))
        return web.Response(status=202)

    server.route("/users/bob/inbox", inbox, "POST")
    return actor


def federation(*args: str) -> str:
    out = io.StringIO()
    call_command("federation", *args, stdout=out)
    return out.getvalue()


def handle(server) -> str:
    return f"@bob@{server.netloc}"


def test_lookup_shows_what_federation_needs(server, bob):
    out = federation("lookup", handle(server))

    assert f"uri:          {bob}\n" in out
    assert f"inbox:        {bob}/inbox\n" in out
    assert f"shared inbox: {server.url('/inbox')}\n" in out
    assert f"key id:       {bob}#main-key\n" in out
    assert "name:         Bob Beispiel\n" in out
    (webfinger,) = server.requests_to("/.well-known/webfinger")
    assert webfinger.query["resource"] == f"acct:bob@{server.netloc}"
    assert RemoteActor.objects.get(uri=bob).key_id == f"{bob}#main-key"


def test_follow_is_delivered_at_once_signed_by_the_account(server, bob):
    out = federation("follow", "--as", "presse", handle(server))

    ((verified, follow),) = server.received
    assert verified.key_id == KEY_ID
    assert follow["type"] == "Follow"
    assert follow["actor"] == "http://rathaus.example/ap/presse"
    assert follow["object"] == bob
    row = Outgoing.objects.get(activity__activity_id=follow["id"])
    assert row.status == Outgoing.Status.DELIVERED
    assert f"Follow {follow['id']}\n" in out
    assert f"→ {bob}/inbox: delivered (attempt 1)" in out


def test_send_delivers_a_direct_note_in_reply_to_a_url(server, bob):
    parent = server.url("/users/bob/statuses/1")

    out = federation(
        "send", "--as", "@presse", handle(server), "Kommt die <Linde> weg?", "--in-reply-to", parent
    )

    ((verified, create),) = server.received
    assert verified.key_id == KEY_ID
    note = create["object"]
    assert create["type"] == "Create" and note["type"] == "Note"
    assert note["content"] == "<p>Kommt die &lt;Linde&gt; weg?</p>"
    assert note["inReplyTo"] == parent
    assert note["to"] == [bob]
    assert note["tag"][0]["href"] == bob
    assert f"→ {bob}/inbox: delivered" in out


def test_a_refused_delivery_is_reported_with_the_inbox_answer(server, bob):
    server.text("/users/bob/inbox", "no such key", status=401, method="POST")
    out = io.StringIO()

    with pytest.raises(
        CommandError, match=re.escape(f"Not delivered to {bob}/inbox: HTTP 401: no such key")
    ):
        call_command("federation", "send", "--as", "presse", handle(server), "Hallo", stdout=out)

    assert f"→ {bob}/inbox: failed (attempt 1)\n    HTTP 401: no such key" in out.getvalue()


def test_an_unreachable_inbox_is_reported_and_tried_again_later(server, bob):
    port = free_port()
    federation("lookup", handle(server))
    RemoteActor.objects.filter(uri=bob).update(inbox=f"http://127.0.0.1:{port}/inbox")
    out = io.StringIO()

    with pytest.raises(
        CommandError, match=re.escape(f"Not delivered to http://127.0.0.1:{port}/inbox")
    ):
        call_command("federation", "follow", "--as", "presse", handle(server), stdout=out)

    row = Outgoing.objects.get()
    assert row.status == Outgoing.Status.QUEUED and row.next_attempt_at > timezone.now()
    assert "Unreachable" in row.last_error
    assert ": queued (attempt 1), next try " in out.getvalue()


def _queued(account, inbox: str, *, number: int, due: bool = True) -> Outgoing:
    activity = Activity.objects.create(
        account=account,
        activity_id=f"http://rathaus.example/ap/presse#test/{number}",
        kind="Create",
        body={"id": f"http://rathaus.example/ap/presse#test/{number}", "type": "Create"},
    )
    later = timezone.now() + timedelta(hours=1)
    return Outgoing.objects.create(
        activity=activity,
        inbox=inbox,
        host=inbox.split("/")[2],
        next_attempt_at=timezone.now() if due else later,
    )


def test_deliver_sends_what_is_due_and_counts_by_status(server, bob, account):
    server.status("/busy/inbox", 503, method="POST")
    sent = _queued(account, f"{bob}/inbox", number=1)
    busy = _queued(account, server.url("/busy/inbox"), number=2)
    later = _queued(account, f"{bob}/inbox", number=3, due=False)
    done = _queued(account, f"{bob}/inbox", number=4)
    Outgoing.objects.filter(pk=done.pk).update(status=Outgoing.Status.DELIVERED)

    out = federation("deliver")

    assert out == (
        "Tried now: 2\n"
        "  queued: 1\n  running: 0\n  delivered: 1\n  failed: 0\n"
        "All deliveries:\n"
        "  queued: 2\n  running: 0\n  delivered: 2\n  failed: 0\n"
    )
    statuses = dict(Outgoing.objects.values_list("pk", "status"))
    assert statuses == {
        sent.pk: Outgoing.Status.DELIVERED,
        busy.pk: Outgoing.Status.QUEUED,
        later.pk: Outgoing.Status.QUEUED,
        done.pk: Outgoing.Status.DELIVERED,
    }
    assert len(server.received) == 1


def test_an_unknown_account_is_named(server, bob):
    with pytest.raises(
        CommandError, match=r"No Fediverse account “nobody” here \(accounts: presse\)"
    ):
        federation("follow", "--as", "nobody", handle(server))
    assert server.requests == []


@pytest.mark.parametrize("bad", ["bob", "@bob", "bob@", "@bob@host/path", "@bob@a b"])
def test_a_bad_handle_is_explained(server, account, bad):
    with pytest.raises(
        CommandError, match=re.escape("is not a Fediverse address like @name@example.org")
    ):
        federation("lookup", bad)


def test_an_unreachable_host_is_reported(server, account):
    gone = f"@bob@127.0.0.1:{free_port()}"
    with pytest.raises(
        CommandError, match=re.escape(f"Could not look up {gone}: ") + ".*(Cannot connect|refused)"
    ):
        federation("follow", "--as", "presse", gone)
    assert not Outgoing.objects.exists()


def test_a_private_host_is_refused_unless_the_operator_allows_it(server, bob, settings):
    settings.FEDERATION_PRIVATE_HOSTS = []
    with pytest.raises(CommandError, match=re.escape("127.0.0.1 is not a public address")):
        federation("lookup", handle(server))
    assert server.requests == []


def test_in_reply_to_must_be_a_url(server, bob):
    with pytest.raises(CommandError, match="--in-reply-to must be a note's URL"):
        federation("send", "--as", "presse", handle(server), "Hallo", "--in-reply-to", "1234")
