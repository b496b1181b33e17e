"""Absolute URLs of the federation surface, built from RATHAUS_FEDERATION_DOMAIN.

Remote servers keep these URLs as identities, so they never depend on the host a request
happened to arrive at."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def base() -> str:
    scheme = "http" if settings.FEDERATION_ALLOW_HTTP else "https"
    return f"{scheme}://{settings.FEDERATION_DOMAIN}"


def absolute(path: str) -> str:
    return f"{base()}{path}"


def handle(username: str) -> str:
    return f"acct:{username}@{settings.FEDERATION_DOMAIN}"


def actor(username: str) -> str:
    return absolute(reverse("federation:actor", args=[username]))


def collection(username: str, name: str) -> str:
    """The outbox, followers, following or inbox of an account."""
    return absolute(reverse(f"federation:{name}", args=[username]))


def instance_actor() -> str:
    return absolute(reverse("federation:instance-actor"))


def shared_inbox() -> str:
    return absolute(reverse("federation:shared-inbox"))


def note(username: str, post_id: int) -> str:
    return absolute(reverse("federation:note", args=[username, post_id]))


def reply(username: str, key: str) -> str:
    """An answer to a citizen, sent from the inbox."""
    return absolute(reverse("federation:reply", args=[username, key]))
