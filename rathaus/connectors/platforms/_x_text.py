"""Texts as X counts, returns and shows them: the weighted length of twitter-text v3
("weightedLength": Latin 1, other scripts 2, an emoji sequence 2, every link 23), and the
comparisons check-before-retry needs (X shortens links to t.co and prefixes replies with
handles)."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,:;!?'()\[\]]"
    # Bare domains: X links them too; taking one too many only makes a part shorter.
    r"|(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?![\w-])"
    r"(?:/[^\s<>\"]*[^\s<>\".,:;!?'()\[\]])?",
    re.IGNORECASE,
)
PICTOGRAPH = (
    "[\U0001f000-\U0001faff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff"
    "\u203c\u2049\u2122\u2139\u3030\u303d\u3297\u3299]"
)
# Variation selectors, keycap, skin tones, tags (flags of regions such as Scotland).
EXTEND = "[\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicators
    f"|[0-9#*\xa9\xae][\ufe0f\u20e3]{EXTEND}*"  # 1️⃣, ©️, but not a plain digit
    f"|{PICTOGRAPH}{EXTEND}*(?:\u200d{PICTOGRAPH}{EXTEND}*)*"  # joined with ZWJ: one
)


def weighted_length(text: str, link_chars: int = 23) -> int:
    """Characters as X counts them: Latin and common punctuation 1, other scripts 2, an
    emoji sequence 2 however many code points, every link ``link_chars`` (a t.co link)."""
    text = unicodedata.normalize("NFC", text)
    links, text = len(URL.findall(text)), URL.sub("", text)
    emoji, text = len(EMOJI.findall(text)), EMOJI.sub("", text)
    light = sum(1 for c in text if any(low <= ord(c) <= high for low, high in LIGHT))
    return links * link_chars + 2 * emoji + light + 2 * (len(text) - light)


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
