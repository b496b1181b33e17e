"""What citizens write to a Bluesky account: replies, mentions and quotes from
app.bsky.notification.listNotifications, each as an inbound message whose text keeps its
links and mentions (the record's facets) as HTML links."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from atproto import Client, models
from atproto_core.uri import AtUri
from django.utils.html import escape

from rathaus.connectors.base import Fetched
from rathaus.connectors.platforms._bluesky_client import APP, PAGE

if TYPE_CHECKING:
    from rathaus.connectors.platforms.bluesky import BlueskyConnector
    from rathaus.inbox.inbound import InboundMessage

KEPT_REASONS = {"reply", "mention", "quote"}
MAX_PAGES = 10


def notifications(connector: BlueskyConnector, client: Client, cursor: str) -> Fetched:
    """The API pages from the newest backwards; our cursor is the newest indexedAt seen,
    and paging stops at the first notification older than it."""
    since = _when(cursor) if cursor else None
    messages: list[InboundMessage] = []
    newest, page = cursor, None
    for _page in range(MAX_PAGES):
        params = models.AppBskyNotificationListNotifications.Params(limit=PAGE, cursor=page)
        answer = client.app.bsky.notification.list_notifications(params)
        for note in answer.notifications:
            if since and _when(note.indexed_at) < since:
                return Fetched(messages, newest)
            if not newest or _when(note.indexed_at) > _when(newest):
                newest = note.indexed_at
            if note.reason in KEPT_REASONS and note.author.did != connector.did:
                messages.append(_inbound(connector, note))
        if not answer.cursor:
            break
        page = answer.cursor
    return Fetched(messages, newest)


def _inbound(connector: BlueskyConnector, note: Any) -> InboundMessage:
    record, author = note.record, note.author
    reply = getattr(record, "reply", None)
    parent = reply.parent.uri if reply else ""
    candidates = [reply.root.uri if reply else "", parent, _quoted(record)]
    return connector.inbound(
        remote_id=note.uri,
        text_html=_html(record.text, getattr(record, "facets", None)),
        author_name=author.display_name or author.handle,
        author_handle=f"@{author.handle}",
        author_url=f"{APP}/profile/{author.handle}",
        in_reply_to=parent,
        post=next((p for uri in candidates if uri and (p := connector.post_for(uri))), None),
        is_public=True,
        url=f"{APP}/profile/{author.handle}/post/{AtUri.from_str(note.uri).rkey}",
    )


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _quoted(record: Any) -> str:
    embed = getattr(record, "embed", None)
    quoted = getattr(embed, "record", None)
    quoted = getattr(quoted, "record", quoted)  # recordWithMedia nests it once more
    return getattr(quoted, "uri", "") or ""


def _html(text: str, facets: list | None) -> str:
    """The post's text as HTML, its links and mentions as links (facets count UTF-8 bytes)."""
    data, parts, done = text.encode(), [], 0
    for facet in sorted(facets or [], key=lambda f: f.index.byte_start):
        start, end = facet.index.byte_start, facet.index.byte_end
        feature = facet.features[0] if facet.features else None
        href = getattr(feature, "uri", "") or (
            f"{APP}/profile/{feature.did}" if getattr(feature, "did", "") else ""
        )
        if not href or start < done or end > len(data):
            continue
        parts.append(escape(data[done:start].decode(errors="replace")))
        label = escape(data[start:end].decode(errors="replace"))
        parts.append(f'<a href="{escape(href)}">{label}</a>')
        done = end
    parts.append(escape(data[done:].decode(errors="replace")))
    paragraphs = "".join(parts).split("\n\n")
    return "".join(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())
