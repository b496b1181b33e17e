"""Reading a public Telegram channel's preview page (``t.me/s/<channel>``): the Bot API
never shows a bot its own posts, so this page is how a retry finds out whether the post
it lost the answer to is there already (check before retry)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Seen:
    id: int
    ids: tuple[int, ...]  # an album's messages, else just this one
    text: str
    reply_to: int | None
    media: bool
    html: str


REPLY = re.compile(r'<a\b[^>]*class="tgme_widget_message_reply\b[^>]*>.*?</a>', re.S)
REPLY_TARGET = re.compile(r'href="[^"]*/(\d+)(?:\?[^"]*)?"')
TEXT = re.compile(r'class="tgme_widget_message_text js-message_text[^"]*"[^>]*>(.*?)</div>', re.S)
ALBUM_ITEM = re.compile(r'href="[^"]*/(\d+)\?single"')


def posts(page: str) -> list[Seen]:
    """The posts on a channel's preview page, oldest first."""
    found = []
    for chunk in page.split('data-post="')[1:]:
        head, _quote, body = chunk.partition('"')
        number = head.rpartition("/")[2]
        if not number.isdigit():
            continue
        reply = REPLY.search(body)
        target = REPLY_TARGET.search(reply[0]) if reply else None
        own = REPLY.sub("", body)
        text = TEXT.search(own)
        album = {int(item) for item in ALBUM_ITEM.findall(own)}
        found.append(
            Seen(
                id=int(number),
                ids=tuple(sorted(album | {int(number)})),
                text=_text(text[1]) if text else "",
                reply_to=int(target[1]) if target else None,
                media="tgme_widget_message_photo_wrap" in own,
                html=html.unescape(own),
            )
        )
    return found


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", "\n", fragment)))


def fingerprint(text: str) -> str:
    # Addresses aside (the page may shorten them): the words as they stand.
    return " ".join(re.sub(r"https?://\S+", " ", text).split())
