"""Texts as X counts, returns and shows them: the weighted length of twitter-text v3
("weightedLength": Latin 1, other scripts 2, an emoji sequence 2, every link 23) on the
shared grapheme clusters, and the comparisons check-before-retry needs (X shortens links
to t.co and prefixes replies with handles)."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from rathaus.lib import graphemes

LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,:;!?'()\[\]]"
    # Bare domains: X links them too; taking one too many only makes a part shorter.
    r"|(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?![\w-])"
    r"(?:/[^\s<>\"]*[^\s<>\".,:;!?'()\[\]])?",
    re.IGNORECASE,
)


def weighted_length(text: str, link_chars: int = 23) -> int:
    """Characters as X counts them: Latin and common punctuation 1, other scripts 2, an
    emoji sequence 2 however many code points, every link ``link_chars`` (a t.co link).
    Emoji are the shared grapheme clusters (``lib.graphemes``); X's rule is the weights."""
    text = unicodedata.normalize("NFC", text)
    links, text = len(URL.findall(text)), URL.sub("", text)
    if text.isascii():
        return links * link_chars + len(text)
    total = links * link_chars
    for cluster in graphemes.clusters(text):
        if graphemes.is_emoji(cluster):
            total += 2
        else:
            total += sum(1 if _light(c) else 2 for c in cluster)
    return total


def _light(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in LIGHT)


def comparable(text: str) -> str:
    """A text as X gives it back and as we sent it both come out the same: without the
    handles X puts in front of a reply, links without scheme or trailing slash, whitespace
    collapsed."""

    def link(match: re.Match) -> str:
        found = re.sub(r"^(https?://)?(www\.)?", "", match.group(0), flags=re.IGNORECASE)
        return found.rstrip("/").lower()

    text = re.sub(r"^(?:@\w+\s+)+", "", unicodedata.normalize("NFC", text))
    text = URL.sub(link, text)
    return " ".join(text.split())


def expanded(tweet: dict[str, Any]) -> str:
    """The tweet's text with X's escaping undone and its t.co links expanded again."""
    text = html.unescape(tweet.get("text", ""))
    for url in tweet.get("entities", {}).get("urls", []):
        text = text.replace(url["url"], url.get("expanded_url") or url["url"])
    return text


def as_html(tweet: dict[str, Any], own_username: str) -> str:
    text = html.unescape(tweet.get("text", ""))
    if own_username:  # X puts the handles replied to in front: ours tells nothing
        text = re.sub(rf"^((?:@\w+\s+)*?)@{re.escape(own_username)}\s+", r"\1", text, flags=re.I)
    links = {u["url"]: u for u in tweet.get("entities", {}).get("urls", [])}
    pieces = []
    for piece in re.split(r"(https?://t\.co/\w+)", text):
        link = links.get(piece)
        if link:
            href = html.escape(link.get("expanded_url") or piece)
            shown = html.escape(link.get("display_url") or href)
            pieces.append(f'<a href="{href}">{shown}</a>')
        else:
            pieces.append(html.escape(piece, quote=False))
    return "<p>" + "".join(pieces).strip().replace("\n", "<br>") + "</p>"
