"""Text that must stay on one line: a post's title, and every mail header built from what
someone typed (a subject). A line break in a header ends it and starts another one (header
injection), and Django refuses such a header outright, which once stopped a whole newsletter.

"Breaks" are control characters (Unicode category Cc: CR, LF, tab, vertical tab, NEL, ESC …)
and the Unicode line and paragraph separators (Zl, Zp)."""

from __future__ import annotations

import re
import unicodedata

_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def has_breaks(text: str) -> bool:
    """Whether ``text`` holds a line break or another control character."""
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def one_line(text: str) -> str:
    """``text`` with each run of line breaks and control characters turned into a space."""
    return " ".join(_BREAKS.sub(" ", text).split())
