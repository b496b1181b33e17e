"""Remote actors and their keys: fetched once, stored, fetched again when a key rotates.

An incoming activity names its signer only by a key id; :func:`public_key_for` is the
``KeyLookup`` the inbox hands to httpsig. Every fetched document is checked before it is
stored, because the stored key decides whose signature we believe: an actor document must
come from the host it claims, and its key must belong to it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urldefrag, urlsplit

from django.conf import settings
from django.utils import timezone

from rathaus.federation import remote
from rathaus.federation.models import RemoteActor

ACTOR_TYPES = {"Person", "Service", "Application", "Group", "Organization"}
# WebFinger link types of an actor (ld+json with the ActivityStreams profile, or without).
ACTIVITY_TYPES = {"application/activity+json", "application/ld+json"}
DEFAULT_PORTS = {"https": 443, "http": 80}
MAX_URL = 500  # RemoteActor's URL fields
MAX_TEXT = 200  # its username and name


class InvalidActor(remote.RemoteError):
    """A document that is not an actor we can use; the message says what is wrong."""


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: a document may speak only for URLs of its own origin."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _same_origin(one: str, other: str) -> bool:
    return _origin(one) == _origin(other)


def _url(value: Any) -> str:
    """``url`` may be a string, a Link object, or a list of either: the first usable one."""
    for item in value if isinstance(value, list) else [value]:
        href = item.get("href") if isinstance(item, dict) else item
        if isinstance(href, str) and href.startswith(("https://", "http://")):
            return href if len(href) <= MAX_URL else ""
    return ""


def _text(value: Any) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _public_key(document: dict[str, Any]) -> dict[str, Any]:
    key = document.get("publicKey")
    # Some servers give a list of keys; we use the first that has a PEM.
    for candidate in key if isinstance(key, list) else [key]:
        if isinstance(candidate, dict) and isinstance(candidate.get("publicKeyPem"), str):
            return candidate
    raise InvalidActor(f"{document.get('id')} has no publicKey.publicKeyPem")


def _fetch_actor(uri: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The actor document for ``uri`` (``document`` if already fetched from there); if it
    names another id, the document fetched from that id – of the same origin only."""
    if document is None:
        document = remote.fetch_json(uri)
    document_id = document.get("id")
    if document_id == uri:
        return document
    if not isinstance(document_id, str) or not _same_origin(document_id, uri):
        raise InvalidActor(f"{uri} answered with a document of {document_id!r}, another host")
    # e.g. asked for a profile page URL and given the canonical actor id: ask that id.
    document = remote.fetch_json(document_id)
    if document.get("id") != document_id:
        raise InvalidActor(f"{document_id} answered with a document of {document.get('id')!r}")
    return document


def _store(document: dict[str, Any]) -> RemoteActor:
    """Check an actor document fetched from its own ``id`` and save what federation needs."""
    uri = document.get("id")
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        raise InvalidActor(f"the actor document has no usable id: {uri!r}")
    if len(uri) > MAX_URL:
        raise InvalidActor(f"the actor id is longer than {MAX_URL} characters")
    kind = document.get("type")
    if not isinstance(kind, str) or kind not in ACTOR_TYPES:
        raise InvalidActor(f"{uri} is a {kind!r}, not an actor")
    inbox = document.get("inbox")
    if not isinstance(inbox, str) or not inbox or len(inbox) > MAX_URL:
        raise InvalidActor(f"{uri} has no usable inbox")
    key = _public_key(document)
    if key.get("owner") != uri:
        raise InvalidActor(f"the key of {uri} belongs to {key.get('owner')!r}")
    key_id = key.get("id")
    # A key id is how a signature names its signer: an actor may only claim key ids of its
    # own origin, or a stranger could store our victim's key id with its own key.
    if not isinstance(key_id, str) or not _same_origin(key_id, uri) or len(key_id) > MAX_URL:
        raise InvalidActor(f"{uri} claims the key id {key_id!r} of another host")
    endpoints = document.get("endpoints")
    shared_inbox = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
    actor, _created = RemoteActor.objects.update_or_create(
        uri=uri,
        defaults={
            "domain": (urlsplit(uri).hostname or "").lower(),
            "username": _text(document.get("preferredUsername")),
            "name": _text(document.get("name")),
            "url": _url(document.get("url")),
            "inbox": inbox,
            "shared_inbox": shared_inbox if isinstance(shared_inbox, str) else "",
            "key_id": key_id,
            "public_key_pem": key["publicKeyPem"],
            "fetched_at": timezone.now(),
        },
    )
    return actor


def get(uri: str, *, refresh: bool = False) -> RemoteActor:
    """The actor with this id: stored, or fetched (signed by the instance actor) and stored.

    Raises a :class:`remote.RemoteError` (:class:`InvalidActor` for a bad document).
    """
    if not refresh:
        found = RemoteActor.objects.filter(uri=uri).first()
        if found is not None:
            return found
    return _store(_fetch_actor(uri))


def owner_of(key_id: str) -> RemoteActor | None:
    """The stored actor that signs with this key id (no fetching)."""
    return RemoteActor.objects.filter(key_id=key_id).order_by("-fetched_at").first()


def public_key_for(key_id: str, refresh: bool = False) -> str | None:
    """httpsig's ``KeyLookup``: the PEM for a key id, fetched if unknown or ``refresh``.

    None when it cannot be had, so the signature check fails as UnknownKey (401), never
    with an error page: a server that is down or lies is not our failure.
    """
    if not refresh:
        known = owner_of(key_id)
        if known is not None:
            return known.public_key_pem
    try:
        actor = fetch_key_owner(key_id)
    except remote.RemoteError:
        return None
    return actor.public_key_pem if actor.key_id == key_id else None


def fetch_key_owner(key_id: str) -> RemoteActor:
    """Fetch the actor behind a key id and store it; raises a :class:`remote.RemoteError`."""
    # Mastodon and Misskey: "<actor>#main-key", so the document is the actor itself.
    # GoToSocial: "<actor>/main-key", a key object (id, owner, publicKeyPem).
    url = urldefrag(key_id).url
    document = remote.fetch_json(url)
    if "owner" in document and "publicKeyPem" in document:
        owner = document["owner"]
        if not isinstance(owner, str) or not _same_origin(owner, url):
            raise InvalidActor(f"the key {key_id} names the owner {owner!r} on another host")
        return get(owner, refresh=True)
    # The actor itself, perhaps under its canonical id (GoToSocial answers a key URL so).
    return _store(_fetch_actor(url, document))


def _actor_link(jrd: dict[str, Any], handle: str) -> str:
    links = jrd.get("links")
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        media_type = str(link.get("type", "")).split(";", 1)[0].strip().lower()
        if media_type in ACTIVITY_TYPES and isinstance(link.get("href"), str):
            return link["href"]
    raise InvalidActor(f"WebFinger knows no ActivityPub actor for {handle}")


def lookup(handle: str) -> RemoteActor:
    """``@user@domain`` or ``user@domain`` → the actor, found through WebFinger."""
    user, _at, domain = handle.strip().removeprefix("@").partition("@")
    if not user or not domain or any(char in domain for char in "/?#@ \\"):
        raise InvalidActor(f"{handle!r} is not a Fediverse address like @name@example.org")
    scheme = "http" if settings.FEDERATION_ALLOW_HTTP else "https"
    resource = quote(f"acct:{user}@{domain}", safe=":@")
    url = f"{scheme}://{domain}/.well-known/webfinger?resource={resource}"
    # Unsigned, as Mastodon does: WebFinger is public everywhere.
    jrd = remote.fetch_json(url, accept=remote.JRD_ACCEPT, signed=False)
    return get(_actor_link(jrd, handle))
