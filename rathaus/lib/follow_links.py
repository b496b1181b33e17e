"""Where citizens can follow an office, gathered from the channels that know it.

The newsroom shows these links ("So folgen Sie uns"), but the accounts live in channels of
its own layer (the Fediverse accounts, the connected platform accounts), which it must not
import. So each of those channels registers a source here at start-up, and the newsroom
asks this registry. It knows no app: an office is whatever the sources take.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rathaus.lib.weburls import is_web_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowLink:
    """One place to follow the office: ``network`` as readers know it ("Mastodon",
    "Bluesky"), ``address`` as they type it into a search box ("@presse@rathaus.example"),
    ``url`` its public profile page, ``fediverse`` for the office's own accounts, which any
    Fediverse server can follow."""

    network: str
    address: str
    url: str
    fediverse: bool = False


Source = Callable[[object], Iterable[FollowLink]]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace) the source called ``name``: a function from an office to its
    links. Replacing by name keeps a reloaded app from registering twice."""
    _sources[name] = source


def unregister(name: str) -> None:
    _sources.pop(name, None)


def for_office(office: object) -> list[FollowLink]:
    """Every source's links for ``office``, the office's own Fediverse accounts first; a
    link whose address is not a web URL is left out, and a failing source costs only its
    own links (the newsroom's front page must not fail for them)."""
    found: list[FollowLink] = []
    for name, source in list(_sources.items()):
        try:
            found += [link for link in source(office) if is_web_url(link.url)]
        except Exception:
            logger.exception("follow links of %s failed", name)
    return sorted(found, key=lambda link: not link.fediverse)
