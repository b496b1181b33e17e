"""@user@server handles in a post: linked in the Note's content, listed as Mention tags and
delivered to, so the people named are notified as on any Fediverse server."""

from __future__ import annotations

import logging
import re

from django.db.models import Q
from django.utils.html import format_html

from rathaus.federation.models import RemoteActor
from rathaus.posts.models import Post

log = logging.getLogger(__name__)
HANDLE = re.compile(
    r"(?<![\w@/.])@([A-Za-z0-9_][A-Za-z0-9_.-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?)"
)


def handles(text: str) -> list[tuple[str, str]]:
    """(username, domain) pairs in order of appearance, each once, domains in lower case."""
    found = ((user, domain.lower()) for user, domain in HANDLE.findall(text or ""))
    return list(dict.fromkeys(found))


def known(post: Post) -> list[RemoteActor]:
    """The stored actors the post names; never fetches (the views call this too)."""
    pairs = handles(post.body)
    if not pairs:
        return []
    query = Q()
    for user, domain in pairs:
        query |= Q(username__iexact=user, domain__iexact=_host(domain))
    return list(RemoteActor.objects.filter(query))


def _host(domain: str) -> str:
    # RemoteActor.domain is the actor's host without a port (blocking matches on it).
    return domain.rsplit(":", 1)[0] if domain.rsplit(":", 1)[-1].isdigit() else domain


def resolve(post: Post) -> list[RemoteActor]:
    """Look up the handles we do not know yet (WebFinger), then return all known ones.
    A handle that cannot be found stays plain text, as on Mastodon."""
    from rathaus.federation import actors, remote

    stored = {(a.username.lower(), a.domain.lower()) for a in known(post)}
    for user, domain in handles(post.body):
        if (user.lower(), _host(domain)) not in stored:
            try:
                actors.lookup(f"@{user}@{domain}")
            except remote.RemoteError as error:
                log.info("mention @%s@%s not found: %s", user, domain, error)
    return known(post)


def link(html: str, named: list[RemoteActor]) -> str:
    """The handles of known actors as the links Mastodon renders for mentions."""
    by_handle = {(a.username.lower(), a.domain.lower()): a for a in named}

    def replace(match: re.Match) -> str:
        actor = by_handle.get((match[1].lower(), _host(match[2].lower())))
        if actor is None:
            return match[0]
        return format_html(
            '<span class="h-card"><a href="{}" class="u-url mention">@<span>{}</span></a></span>',
            actor.url or actor.uri,
            actor.username,
        )

    return HANDLE.sub(replace, html)


def tags(named: list[RemoteActor]) -> list[dict]:
    return [{"type": "Mention", "href": a.uri, "name": a.handle} for a in named]
