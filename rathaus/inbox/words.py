"""What the inbox's compound indexes hold of a message and of a conversation's subject:
the newsroom's search tokens (lib.german_words) of the text without markup, so that
"Sperrung" finds a citizen's "Vollsperrung" in the inbox as it does on the newsroom.

Kept apart from the models so that migrations 0004 (messages) and 0007 (subjects), which
fill the columns for the rows stored before them, call exactly what every later write calls.
"""

from __future__ import annotations

import html
import re

from rathaus.lib import german_words

# Message text is sanitised on arrival (inbound.sanitise, linebreaks() for our answers):
# tags go whole, attributes (a link's address) with them, and entities are read.
_TAG = re.compile(r"<[^>]*>")


def of_text(text: str) -> str:
    """The search tokens of the plain text ``text`` (a conversation's subject)."""
    return german_words.tokens(text or "")


def of_html(text_html: str) -> str:
    """The search tokens of the sanitised HTML ``text_html``."""
    return of_text(html.unescape(_TAG.sub(" ", text_html or "")))
