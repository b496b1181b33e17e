"""Which addresses are rendered ahead, registered by the apps that own the pages (the
newsroom, the FAQ, the netiquette), so that this app needs to import none of them.

Each lister returns paths as ``reverse()`` gives them, without a language prefix; the
renderer adds the other languages' addresses for pages (paths ending in "/"):

- ``site()``: pages over all offices (office list, sitemaps);
- ``lists(office, posts)``: the office's pages that list posts and change with them (front
  page, feeds, categories, events); ``posts`` are the changed ones, so that a lister can
  name only the pages they appear in, or None for all of them;
- ``standing(office)``: the office's pages that do not list posts (imprint, FAQ …);
- ``post(post)``, ``tag(tag)``: a post's own pages (nothing when it is not public) and a
  tag's page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

Lister = Callable[..., Iterable[str]]
_listers: dict[str, list[Lister]] = {"site": [], "lists": [], "standing": [], "post": [], "tag": []}


def register(**listers: Lister) -> None:
    """``register(lists=…, standing=…)``: add listers of these kinds."""
    for kind, lister in listers.items():
        if lister not in _listers[kind]:
            _listers[kind].append(lister)


def _all(kind: str, *args: Any) -> list[str]:
    found: dict[str, None] = {}
    for lister in _listers[kind]:
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
    return _all("site")


def list_paths(office: Any, posts: list | None) -> list[str]:
    return _all("lists", office, posts)


def standing_paths(office: Any) -> list[str]:
    return _all("standing", office)


def post_paths(post: Any) -> list[str]:
    return _all("post", post)


def tag_paths(tag: Any) -> list[str]:
    return _all("tag", tag)
