"""Interop evidence: what Mastodon 4.x, Misskey, Pixelfed and GoToSocial really send, POSTed to
our inbox signed the way each of them signs, the signer's actor fetched over loopback HTTP from
a stand-in server. The payloads and where their shapes come from: tests/payloads/README.md."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from rathaus.federation import addresses, objects
from rathaus.federation.models import (
    Activity,
    Follower,
    IncomingRequest,
    InstanceActor,
    Outgoing,
    Reaction,
    RemoteActor,
)
from rathaus.inbox.models import Message
from rathaus.lib import httpsig
from tests.fediverse_server import FediverseServer, Recorded

PAYLOADS = Path(__file__).parents[1] / "payloads"
OUR_HOST = "rathaus.example"
QUESTION = "Wann wird die Linde gefällt?"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


# --- how each software writes and signs a request --------------------------------------------


def _rsa_sha256(private_pem: str, text: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def _digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _date(now: datetime | None = None) -> str:
    return format_datetime(now or datetime.now(UTC), usegmt=True)


def _hand_signed(path: str, headers: dict[str, str], names: list[str], private_pem: str) -> str:
    """The base64 RSA-SHA256 signature over ``names``, built by hand (draft-cavage §2.3)."""
    values = {"(request-target)": f"post {path}"} | {k.lower(): v for k, v in headers.items()}
    return _rsa_sha256(private_pem, "\n".join(f"{name}: {values[name]}" for name in names))


Signer = Callable[[str, bytes, str, str], dict[str, str]]


def _mastodon_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    # Mastodon's own header set is the one our signer writes.
    headers = {"Content-Type": ACTIVITY_JSON}
    return headers | httpsig.sign(
        "POST", f"http://{OUR_HOST}{path}", headers, body, key_id=key_id, private_pem=private_pem
    )


def _misskey_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    headers = {
        "Date": _date(),
        "Host": OUR_HOST,
        "Content-Type": ACTIVITY_JSON,
        "Digest": _digest(body),
    }
    names = ["(request-target)", "date", "host", "digest"]
    signature = _hand_signed(path, headers, names, private_pem)
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{signature}"'
    )
    return headers


def _pixelfed_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    headers = {
        "Host": OUR_HOST,
        "Date": _date(),
        "Digest": _digest(body),
        "Content-Type": LD_JSON,
        "User-Agent": "(Pixelfed/0.12.5; +https://pixelfed.example)",
    }
    names = ["(request-target)", "host", "date", "digest", "content-type", "user-agent"]
    signature = _hand_signed(path, headers, names, private_pem)
    headers["Signature"] = (
        f'keyId="{key_id}",headers="{" ".join(names)}",algorithm="rsa-sha256",'
        f'signature="{signature}"'
    )
    return headers


def _gotosocial_signs(path: str, body: bytes, key_id: str, private_pem: str) -> dict[str, str]:
    headers = {
        "Date": _date(),
        "Host": OUR_HOST,
        "Digest": _digest(body),
        "Content-Type": ACTIVITY_JSON,
        "User-Agent": "gotosocial (+https://gts.example) gotosocial/0.20.1",
    }
    names = ["(request-target)", "host", "date", "digest"]
    signature = _hand_signed(path, headers, names, private_pem)
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="hs2019",headers="{" ".join(names)}",signature="{signature}"'
    )
    return headers


def _compact(document: dict) -> bytes:
    """JSON.stringify, Ruby's JSON: compact UTF-8."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _php_json_encode(document: dict) -> bytes:
    """PHP json_encode: every slash as \\/ and every non-ASCII character as \\uXXXX."""
    text = json.dumps(document, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode()


def _go_json_marshal(document: dict) -> bytes:
    """Go's encoding/json: keys sorted, <, > and & escaped."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.encode()


@dataclass(frozen=True)
class Software:
    name: str
    actor_path: str
    key_suffix: str  # appended to the actor id to give the keyId
    shared_inbox: str  # the path the actor document names, "" if it names none
    our_inbox: str  # the inbox of ours it delivers to
    content_type: str  # of the documents it serves
    signs: Signer
    encode: Callable[[dict], bytes]
    answers_signed_gets_only: bool = False


SOFTWARES = [
    Software(
        "mastodon", "/users/anna", "#main-key", "/inbox", "/ap/presse/inbox",
        "application/activity+json; charset=utf-8", _mastodon_signs, _compact,
    ),
    Software(
        "misskey", "/users/9x2kq7m1ab", "#main-key", "/inbox", "/ap/inbox",
        "application/activity+json; charset=utf-8", _misskey_signs, _compact,
    ),
    Software(
        "pixelfed", "/users/anna", "#main-key", "/f/inbox", "/ap/inbox",
        ACTIVITY_JSON, _pixelfed_signs, _php_json_encode,
    ),
    Software(
        "gotosocial", "/users/anna", "/main-key", "", "/ap/presse/inbox",
        ACTIVITY_JSON, _gotosocial_signs, _go_json_marshal, answers_signed_gets_only=True,
    ),
]  # fmt: skip


# --- the remote server and its user ----------------------------------------------------------


def _substitute(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, replacement in values.items():
            value = value.replace(placeholder, replacement)
        return value
    if isinstance(value, list):
        return [_substitute(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, values) for key, item in value.items()}
    return value


class Remote:
    """Anna on a server of one software: her documents served from ``server``, her activities
    delivered to our inbox as that software delivers them."""

    def __init__(self, software: Software, server: FediverseServer, client, keys, account, post):
        self.software = software
        self.server = server
        self.client = client
        self.private_pem = keys[0]
        self.actor = server.url(software.actor_path)
        self.key_id = self.actor + software.key_suffix
        self.values = {
            "{BASE}": server.base,
            "{ACTOR}": self.actor,
            "{PUBLIC_KEY_PEM}": keys[1],
            "{OUR_ACTOR}": addresses.actor(account.username),
            "{OUR_PROFILE}": objects.actor(account)["url"],
            "{OUR_NOTE}": addresses.note(account.username, post.pk),
        }
        # The key our instance actor signs its GETs with, as GoToSocial would fetch it.
        self.instance_pem = InstanceActor.get().public_key_pem
        self.instance_key_id = addresses.instance_actor() + "#main-key"
        self.serve(software.actor_path, self.payload("actor"))
        if software.key_suffix == "/main-key":
            self.serve(software.actor_path + "/main-key", self.payload("main_key"))

    @property
    def our_note(self) -> str:
        return self.values["{OUR_NOTE}"]

    def payload(self, name: str) -> dict:
        raw = json.loads((PAYLOADS / self.software.name / f"{name}.json").read_text())
        return _substitute(raw, self.values)

    def signed_by_us(self, request: Recorded) -> bool:
        def lookup(key_id: str, refresh: bool = False) -> str | None:
            return self.instance_pem if key_id == self.instance_key_id else None

        try:
            httpsig.verify(
                "GET", request.path_qs, dict(request.headers), None, public_key_for=lookup
            )
        except httpsig.SignatureError:
            return False
        return True

    def serve(self, path: str, document: dict) -> None:
        body = self.software.encode(document)

        def answer(request: Recorded) -> web.Response:
            if self.software.answers_signed_gets_only and not self.signed_by_us(request):
                return web.Response(status=401, text="signature required")
            return web.Response(body=body, headers={"Content-Type": self.software.content_type})

        self.server.route(path, answer)

    def gone(self) -> None:
        """The account was deleted: its documents answer 410, as Mastodon's do."""
        self.server.status(self.software.actor_path, 410)
        self.server.status(self.software.actor_path + "/main-key", 410)

    def gets(self) -> list[Recorded]:
        return [r for r in self.server.requests if r.method == "GET"]

    def signed_headers(self, activity: dict) -> tuple[bytes, dict[str, str]]:
        body = self.software.encode(activity)
        path = self.software.our_inbox
        return body, self.software.signs(path, body, self.key_id, self.private_pem)

    def post(self, body: bytes, headers: dict[str, str]):
        headers = dict(headers)
        content_type = headers.pop("Content-Type")
        return self.client.post(
            self.software.our_inbox, data=body, content_type=content_type, headers=headers
        )

    def deliver(self, activity: dict | str):
        if isinstance(activity, str):
            activity = self.payload(activity)
        return self.post(*self.signed_headers(activity))


@pytest.fixture(autouse=True)
def _loopback_federation(settings):
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OUR_HOST]


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
    headers["Date"] = _date(datetime.now(UTC) + timedelta(seconds=5))

    response = remote.post(body, headers)

    assert response.status_code == 202
    assert "refused: BadSignature" in caplog.text
    assert not Follower.objects.exists()
    assert not IncomingRequest.objects.exists()
