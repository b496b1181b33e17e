"""What the inbox's compound index holds of a message: the newsroom's search tokens
(lib.german_words) of its text without markup, so that "Sperrung" finds a citizen's
"Vollsperrung" in the inbox as it does on the newsroom.

Kept apart from the models so that migration 0004, which fills the column for the messages
stored before it, calls exactly what every later write calls.
"""

from __future__ import annotations

import html
import re

from rathaus.lib import german_words

# Message text is sanitised on arrival (inbound.sanitise, linebreaks() for our answers):
# tags go whole, attributes (a link's address) with them, and entities are read.
_TAG = re.compile(r"<[^>]*>")


def of_html(text_html: str) -> str:
    """The search tokens of the sanitised HTML ``text_html``."""
    return german_words.tokens(html.unescape(_TAG.sub(" ", text_html or "")))
