"""The shared counters every platform's limit is counted with.

- :func:`graphemes`: user-perceived characters (extended grapheme clusters, Unicode
  UAX #29) as Bluesky and Mastodon count them: 👩‍👩‍👧 is one, 🇩🇪 is one, e + ◌́ is one.
- :func:`utf16_units`: what Telegram counts (the Bot API measures texts in UTF-16).
- :func:`code_points`: Python's ``len``, for platforms that document no other rule.
- :func:`clusters` and :func:`is_emoji`: the pieces a platform's own rule is built from
  (X weights every emoji sequence as 2, whatever it is made of).

Python ships no table of the Grapheme_Cluster_Break property, so it is derived from the
code point and its general category, with the few code points where the category misleads
listed; the Indic-conjunct rule (GB9c) is not applied.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache

_HANGUL = (
    ((0x1100, 0x115F), "L"), ((0xA960, 0xA97C), "L"), ((0x1160, 0x11A7), "V"),
    ((0xD7B0, 0xD7C6), "V"), ((0x11A8, 0x11FF), "T"), ((0xD7CB, 0xD7FB), "T"),
)  # fmt: skip
_PREPEND = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x08E2, 0x110BD}
_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122),
    (0x2139, 0x2139), (0x2194, 0x21AA), (0x2300, 0x23FF), (0x25AA, 0x25FE), (0x2600, 0x27BF),
    (0x2934, 0x2935), (0x2B05, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3299),
    (0x1F000, 0x1F1E5), (0x1F201, 0x1F3FA), (0x1F400, 0x1FAFF), (0x1FC00, 0x1FFFD),
)  # fmt: skip


def _kind(char: str) -> str:
    """The Grapheme_Cluster_Break property, from the code point and its general category
    (Python ships no table of it; the few code points where the category misleads are
    listed)."""
    point = ord(char)
    if char in "\r\n":
        return "CR" if char == "\r" else "LF"
    if point == 0x200D:
        return "ZWJ"
    if 0x1F1E6 <= point <= 0x1F1FF:
        return "RI"
    if (
        0x1F3FB <= point <= 0x1F3FF
        or 0xE0020 <= point <= 0xE007F
        or point in (0x200C, 0xFF9E, 0xFF9F)
    ):
        return "Extend"  # skin tones, tag characters of subdivision flags, ZWNJ
    if 0xAC00 <= point <= 0xD7A3:
        return "LV" if (point - 0xAC00) % 28 == 0 else "LVT"
    for (low, high), kind in _HANGUL:
        if low <= point <= high:
            return kind
    if point in _PREPEND:
        return "Prepend"
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return "Extend"
    if category == "Mc" or point in (0x0E33, 0x0EB3):
        return "SpacingMark"
    if category in ("Cc", "Cf", "Zl", "Zp", "Cs"):
        return "Control"
    return "Other"


@cache
def _properties(char: str) -> tuple[str, bool]:
    """The character's break kind and whether it is an Extended_Pictographic."""
    point = ord(char)
    return _kind(char), any(low <= point <= high for low, high in _PICTOGRAPHIC)


def _joins(before: str, after: str, *, regional_run: int, emoji_zwj: bool) -> bool:
    """Whether no grapheme boundary lies between two characters' kinds (rules GB3–GB13;
    GB9c, the Indic conjuncts, is not applied)."""
    if before == "CR" and after == "LF":
        return True
    if before in ("CR", "LF", "Control") or after in ("CR", "LF", "Control"):
        return False
    if before == "L" and after in ("L", "V", "LV", "LVT"):
        return True
    if (before in ("LV", "V") and after in ("V", "T")) or (before in ("LVT", "T") and after == "T"):
        return True
    if after in ("Extend", "ZWJ", "SpacingMark") or before == "Prepend":
        return True
    if emoji_zwj:
        return True
    return before == after == "RI" and regional_run % 2 == 1


def _starts(text: str) -> Iterator[int]:
    """The index of the first character of every grapheme cluster in ``text``."""
    before, regional_run, in_emoji, emoji_zwj = "", 0, False, False
    for index, char in enumerate(text):
        kind, pictographic = _properties(char)
        if not before or not _joins(
            before, kind, regional_run=regional_run, emoji_zwj=emoji_zwj and pictographic
        ):
            yield index
        emoji_zwj = kind == "ZWJ" and in_emoji
        in_emoji = pictographic or (in_emoji and kind == "Extend")
        regional_run = regional_run + 1 if kind == "RI" else 0
        before = kind


def graphemes(text: str) -> int:
    """User-perceived characters: 👩‍👩‍👧 is one, 🇩🇪 is one, e + ◌́ is one."""
    if text.isascii():
        return len(text) - text.count("\r\n")
    return sum(1 for _start in _starts(text))


def clusters(text: str) -> list[str]:
    """``text`` cut into its grapheme clusters."""
    starts = list(_starts(text))
    return [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]


def is_emoji(cluster: str) -> bool:
    """Whether a grapheme cluster shows as one emoji: a flag, a keycap, a pictograph (with
    its skin tone, variation selector or joined parts). © and ® count only with the emoji
    variation selector: alone, they are letters of Latin-1."""
    first = cluster[0]
    if _kind(first) == "RI":
        return len(cluster) == 2
    if "\u20e3" in cluster or "\ufe0f" in cluster:
        return True
    return _properties(first)[1] and (len(cluster) > 1 or ord(first) > 0xFF)


def utf16_units(text: str) -> int:
    """The length in UTF-16 code units: an emoji outside the BMP counts two."""
    return len(text.encode("utf-16-le")) // 2


def code_points(text: str) -> int:
    """Python's ``len``: for platforms that say nothing else about how they count."""
    return len(text)
