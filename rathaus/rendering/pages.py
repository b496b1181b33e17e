"""Which addresses are rendered ahead, registered by the apps that own the pages (the
newsroom, the FAQ, the netiquette), so that this app needs to import none of them.

Each lister returns paths as ``reverse()`` gives them, without a language prefix; the
renderer adds the other languages' addresses for pages (paths ending in "/").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

OfficeLister = Callable[[Any], Iterable[str]]
ObjectLister = Callable[[Any], Iterable[str]]

_site: list[Callable[[], Iterable[str]]] = []
_office: list[OfficeLister] = []
_post: list[ObjectLister] = []
_tag: list[ObjectLister] = []


def register(
    *,
    site: Callable[[], Iterable[str]] | None = None,
    office: OfficeLister | None = None,
    post: ObjectLister | None = None,
    tag: ObjectLister | None = None,
) -> None:
    for listers, lister in ((_site, site), (_office, office), (_post, post), (_tag, tag)):
        if lister is not None and lister not in listers:
            listers.append(lister)


def _all(listers: list, *args: Any) -> list[str]:
    found: dict[str, None] = {}
    for lister in listers:
        for path in lister(*args):
            found.update(dict.fromkeys(in_every_language(path)))
    return list(found)


def in_every_language(path: str) -> list[str]:
    """A page in German at its plain address and in each other language under its prefix
    (newsroom.language); feeds, images and sitemaps only at their one address."""
    if not path.endswith("/"):
        return [path]
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return [path, *(f"/{code}{path}" for code in others)]


def site_paths() -> list[str]:
    return _all(_site)


def office_paths(office: Any) -> list[str]:
    return _all(_office, office)


def post_paths(post: Any) -> list[str]:
    return _all(_post, post)


def tag_paths(tag: Any) -> list[str]:
    return _all(_tag, tag)
