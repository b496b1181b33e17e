"""The first words of a text as a line: for a conversation that came without a subject (a
comment, a direct message, a mail with an empty subject line) and for any list that must
name a message in a few words."""

from __future__ import annotations

# What a cut leaves dangling at the end before the ellipsis.
_TRAILING = " ,;:.-–—(/"


def excerpt(text: str, limit: int) -> str:
    """``text`` with its whitespace (line breaks too) collapsed to single spaces, and if it
    is longer than ``limit`` characters, cut after the last whole word that fits, with "…".
    A first word longer than half the limit (a link, say) is cut inside instead, so that
    the excerpt still says something."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if words[limit - 1] != " ":  # the cut fell inside a word: leave that word out
        space = cut.rfind(" ")
        if space >= limit // 2:
            cut = cut[:space]
    return cut.rstrip(_TRAILING) + "…"
