"""Whether a letter's text greets and closes by itself: "Guten Tag Frau Anwohnerin," at the
top, "Mit freundlichen Grüßen" near the end.

A mail that frames an agent's answer (the contact form's answer mail) adds a greeting and a
closing only where the text has none, so a citizen is never greeted twice, whether the
agent wrote freely or used a text template that greets (the demo's do). German and English
forms, as agents write them; matched at the start of the first line with text and among the
last few lines, never inside a sentence ("Guten Tag" in "am Guten-Tag-Platz" is no greeting).
"""

from __future__ import annotations

import re

GREETING = re.compile(
    r"^(?:guten\s+(?:tag|morgen|abend)|hallo|hi|hey|moin|servus|grüß\s+gott|grüezi"
    r"|sehr\s+geehrte[rs]?|liebe[rs]?|hello|dear|good\s+(?:morning|afternoon|evening))"
    r"(?![\w-])",
    re.IGNORECASE,
)
# The formula, then nothing but punctuation or where the greetings come from ("Viele Grüße
# aus dem Rathaus"): "Grüßen Sie bitte Ihre Nachbarin" begins alike but is a sentence.
CLOSING = re.compile(
    r"^(?:(?:mit\s+)?(?:(?:den\s+)?(?:freundliche[n]?|beste[n]?|viele[n]?|herzliche[n]?"
    r"|schöne[n]?|liebe[n]?|sonnige[n]?|kollegiale[n]?)\s+)?(?:grüße[n]?|gruß|grüsse[n]?|gruss)"
    r"|mfg|vg|lg|(?:kind|best|warm)\s+regards|regards|best\s+wishes"
    r"|yours\s+(?:sincerely|faithfully))"
    r"(?:[\s,.!]*$|\s+(?:aus|von|vom|nach|from)\s)",
    re.IGNORECASE,
)
# A closing is the formula and a name or two below it: it stands among the last lines.
CLOSING_LINES = 4


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def greets(text: str) -> bool:
    """Whether the first line with text begins with a greeting."""
    lines = _lines(text)
    return bool(lines) and GREETING.match(lines[0]) is not None


def closes(text: str) -> bool:
    """Whether one of the last lines begins with a closing formula."""
    return any(CLOSING.match(line) for line in _lines(text)[-CLOSING_LINES:])
