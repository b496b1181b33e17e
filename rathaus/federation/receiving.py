"""What an office's accounts do with the activities other servers send to their inboxes.

The view (or a worker, when the key had to be fetched: ``incoming``) has verified the HTTP
signature and resolved its key to ``signer``; here each activity type has one small
handler. Replies and mentions go into the citizen inbox through its one door
(``inbox.inbound``); everything else changes federation state only.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils.html import escape

from rathaus.federation import activities, blocking, identities
from rathaus.federation.models import Account, Follower, Reaction, RemoteActor
from rathaus.federation.objects import PUBLIC
from rathaus.inbox import inbound
from rathaus.posts.models import Post

log = logging.getLogger(__name__)
CHANNEL = "fediverse"
NOTE_TYPES = {"Note", "Article", "Question", "Page", "Event", "Image", "Video"}


# Larger activities are refused: a Note with a long thread of quotes stays far below.
MAX_BYTES = 1024 * 1024
# Real activities nest a handful of levels (Create → Note → tag → Mention); deep nesting
# only serves to exhaust the stack of whoever walks the document next.
MAX_DEPTH = 32


class Unreadable(ValueError):
    """The body is no JSON object, or too large."""


class NotTheSigner(Exception):
    """The activity names another actor than the key that signed it."""


def _id(value) -> str:
    """An object given as its id or embedded with one."""
    if isinstance(value, dict):
        value = value.get("id", "")
    return value if isinstance(value, str) else ""


def _type(value) -> str:
    """An object's type, if it is given as one string (a list of types is not ours)."""
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else ""


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _local(url: str) -> tuple[str, dict] | None:
    """(route name, kwargs) if ``url`` is one of our federation URLs."""
    if not url.startswith(identities.base() + "/"):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.url_name, match.kwargs


def _account_at(url: str) -> Account | None:
    found = _local(url)
    if found is None or found[0] != "actor":
        return None
    return Account.objects.filter(username=found[1]["username"]).select_related("office").first()


def _post_at(url: str) -> tuple[Account, Post] | None:
    """The account and post behind one of our Note URLs."""
    found = _local(url)
    if found is None or found[0] not in ("note", "activity"):
        return None
    account = Account.objects.filter(username=found[1]["username"]).first()
    post = account and Post.objects.filter(office_id=account.office_id, pk=found[1]["pk"]).first()
    return (account, post) if post else None


def _addressed(obj: dict) -> list[Account]:
    """Our accounts a note speaks to: mentioned, addressed, or answered."""
    urls = {_id(tag.get("href")) for tag in _list(obj.get("tag")) if isinstance(tag, dict)}
    urls |= {_id(item) for item in _list(obj.get("to")) + _list(obj.get("cc"))}
    accounts = {a.pk: a for url in urls if (a := _account_at(url))}
    target = _post_at(_id(obj.get("inReplyTo")))
    if target:
        accounts.setdefault(target[0].pk, target[0])
    replied = activities.account_of_reply(_id(obj.get("inReplyTo")))
    if replied:
        accounts.setdefault(replied.pk, replied)
    return list(accounts.values())


def _check_shape(document: object) -> None:
    """Refuse deep nesting and NUL characters (an escaped "\\u0000": PostgreSQL stores no
    NUL in text, so it would fail the query of whichever handler meets it)."""
    # Iterative: a recursive walk would fail on the very documents it is meant to catch.
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Unreadable(f"nested deeper than {MAX_DEPTH} levels")
        children = list(value.values()) + list(value) if isinstance(value, dict) else value
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif isinstance(child, str) and "\x00" in child:
                raise Unreadable("not text: a NUL character")


def read(body: bytes) -> dict:
    """The activity in a request body: a JSON object in UTF-8 with a type, or Unreadable."""
    if len(body) > MAX_BYTES:
        raise Unreadable(f"activity larger than {MAX_BYTES} bytes")
    try:
        # ActivityPub is UTF-8; json.loads would also guess UTF-16 and UTF-32 from bytes.
        activity = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Unreadable(f"not JSON: {error}") from None
    except RecursionError:
        raise Unreadable(f"nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        raise Unreadable("not an activity: a JSON object with a type is expected")
    _check_shape(activity)
    try:
        # A lone surrogate (an escaped "\ud800") is valid JSON but no text: the database
        # would refuse it later, in the middle of handling the activity.
        json.dumps(activity, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Unreadable("not text: a lone UTF-16 surrogate") from None
    return activity


def is_unknown_actor_deleted(activity: dict) -> bool:
    actor = _id(activity.get("actor"))
    return (
        activity.get("type") == "Delete"
        and _id(activity.get("object")) == actor
        and not RemoteActor.objects.filter(uri=actor).exists()
    )


def handle(activity: dict, *, signer: RemoteActor) -> str:
    """Process one verified activity; returns a short word for the log and the tests."""
    if _id(activity.get("actor")) != signer.uri:
        raise NotTheSigner(f"{_id(activity.get('actor'))} is not {signer.uri}")
    handler = HANDLERS.get(activity.get("type", ""))
    if handler is None:
        return "ignored"
    with transaction.atomic():
        return handler(activity, signer)


def _follow(activity: dict, signer: RemoteActor) -> str:
    account = _account_at(_id(activity.get("object")))
    if account is None:
        return "ignored"
    if blocking.is_blocked(account.office, signer.domain):
        return "blocked"
    Follower.objects.update_or_create(
        account=account, actor=signer, defaults={"follow_id": _id(activity)[:500]}
    )
    activities.accept_follow(account, activity, signer)
    return "followed"


def _undo(activity: dict, signer: RemoteActor) -> str:
    obj = activity.get("object")
    undone = _id(obj)
    kind = _type(obj) or None
    if kind in (None, "Follow"):
        target = _account_at(_id(obj.get("object"))) if isinstance(obj, dict) else None
        follows = Follower.objects.filter(actor=signer)
        follows = follows.filter(account=target) if target else follows.filter(follow_id=undone)
        if follows.delete()[0]:
            return "unfollowed"
    reactions = Reaction.objects.filter(activity_hash=_hash(undone))
    if kind in (None, "Like", "Announce") and reactions.delete()[0]:
        return "reaction undone"
    return "ignored"


def _react(kind: str) -> Callable[[dict, RemoteActor], str]:
    def handler(activity: dict, signer: RemoteActor) -> str:
        target = _post_at(_id(activity.get("object")))
        if target is None:
            return "ignored"
        Reaction.objects.get_or_create(
            post=target[1],
            kind=kind,
            actor_hash=_hash(signer.uri),
            defaults={"activity_hash": _hash(_id(activity))},
        )
        return kind

    return handler


def _create(activity: dict, signer: RemoteActor) -> str:
    obj = activity.get("object")
    if _type(obj) not in NOTE_TYPES or not _id(obj):
        return "ignored"
    if _id(obj.get("attributedTo")) not in ("", signer.uri):
        raise NotTheSigner("the note is attributed to someone else")
    accounts = [a for a in _addressed(obj) if not blocking.is_blocked(a.office, signer.domain)]
    reply_to = _id(obj.get("inReplyTo"))
    target = _post_at(reply_to)
    public = PUBLIC in _list(obj.get("to")) + _list(obj.get("cc"))
    offices = {a.office_id: a.office for a in accounts}
    for office in offices.values():
        inbound.receive(
            inbound.InboundMessage(
                office=office,
                channel=CHANNEL,
                remote_id=_id(obj),
                text_html=_text(obj.get("content")),
                author_name=signer.name,
                author_handle=signer.handle,
                author_url=signer.uri,
                in_reply_to=reply_to,
                recipient=activities.addressee(accounts, office.pk, reply_to),
                post=target[1] if target and target[1].office_id == office.pk else None,
                is_public=public,
                url=_id(obj.get("url")) or _id(obj),
            )
        )
    return "received" if offices else "ignored"


def _update(activity: dict, signer: RemoteActor) -> str:
    obj = activity.get("object")
    if not isinstance(obj, dict):
        return "ignored"
    if _type(obj) in NOTE_TYPES:
        changed = inbound.edit(
            CHANNEL, _id(obj), text_html=_text(obj.get("content")), author_url=signer.uri
        )
        return "edited" if changed else "ignored"
    if _id(obj) == signer.uri:
        RemoteActor.objects.filter(pk=signer.pk).update(
            name=_text(obj.get("name"))[:200],
            username=(_text(obj.get("preferredUsername")) or signer.username)[:200],
        )
        return "actor updated"
    return "ignored"


def _delete(activity: dict, signer: RemoteActor) -> str:
    gone = _id(activity.get("object"))
    if gone == signer.uri:
        # The person deleted their account: forget them and what they wrote to us.
        inbound.remove_author(CHANNEL, signer.uri)
        signer.delete()
        return "actor deleted"
    removed = inbound.remove(CHANNEL, gone, author_url=signer.uri)
    return "deleted" if removed else "ignored"


def _block(activity: dict, signer: RemoteActor) -> str:
    account = _account_at(_id(activity.get("object")))
    if account is None:
        return "ignored"
    # Blocked by them: they do not want our posts, so they are no follower any more.
    Follower.objects.filter(account=account, actor=signer).delete()
    return "blocked us"


def _flag(activity: dict, signer: RemoteActor) -> str:
    """A moderator elsewhere reports our account or a post: the office must see it."""
    objects = [_id(item) for item in _list(activity.get("object"))]
    accounts = {a.office_id: a for url in objects if (a := _account_at(url))}
    accounts |= {t[0].office_id: t[0] for url in objects if (t := _post_at(url))}
    for account in accounts.values():
        reported = "".join(f"<p>{url}</p>" for url in objects if url.startswith(identities.base()))
        inbound.receive(
            inbound.InboundMessage(
                office=account.office,
                channel=CHANNEL,
                remote_id=_id(activity),
                text_html=f"<p>{escape(_text(activity.get('content')))}</p>{reported}",
                author_name=signer.name or signer.domain,
                author_handle=signer.handle,
                author_url=signer.uri,
            )
        )
    return "reported" if accounts else "ignored"


HANDLERS: dict[str, Callable[[dict, RemoteActor], str]] = {
    "Follow": _follow,
    "Undo": _undo,
    "Like": _react(Reaction.Kind.LIKE),
    "Announce": _react(Reaction.Kind.ANNOUNCE),
    "Create": _create,
    "Update": _update,
    "Delete": _delete,
    "Block": _block,
    "Flag": _flag,
}
