"""German words as the search sees them, the same on SQLite and PostgreSQL.

Citizens type "Buergeramt" for "Bürgeramt", "Bahnhofstrasse" for "Bahnhofstraße",
"Baustellen" for "Baustelle", and "Sperrung" for the "Vollsperrung" of the post. Neither
database does all of that by itself (SQLite knows no German; PostgreSQL's German
configuration neither folds "ue" nor splits compounds), so the words are made here, once,
in Python: the index stores the *tokens* of a text, and a query asks for the *patterns* of
its words. Both databases then only compare plain tokens and prefixes of tokens.

- :func:`fold`: lower case, ß → ss, ä/ö/ü → ae/oe/ue, other accents dropped.
- :func:`stem`: the Snowball German stemmer (which also reads ae/oe/ue as umlauts and
  then drops them): "Spielplätze", "Spielplaetze" and "Spielplatz" all become
  "spielplatz".
- Compounds without a dictionary: a word's stem is indexed as it is, so a query stem
  that is its *prefix* finds it ("Sturm" → "Sturmböen"); and its inflection-stripped form
  is indexed once more *reversed*, behind a marker, so that a query word that is its
  *suffix* (the compound's head) is a prefix of that token too ("Sperrung" →
  "Vollsperrung"). Both are prefix look-ups, which FTS5 and a GIN index answer from the
  index.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# A reversed head form starts with this digit, so it never meets a word's stem: stems of
# words start with a letter, or are numbers ("2026"), which the reversed forms never are.
BACKWARD = "0"
# A query word is looked up as the head of compounds only from this many letters on:
# "Amt" would also find "insgesamt", "Rat" "Heirat".
MIN_HEAD = 4
# Only words this long are indexed backwards: a head of MIN_HEAD letters needs a
# modifier of three ("Amts-", "Rats-") in front of it.
MIN_COMPOUND = MIN_HEAD + 3
# A stem this long also finds the words it is the start of ("sitzung" → "Sitzungssaal");
# a shorter one ("ros" of "Rosen") only itself, or the start of the word as typed.
MIN_STEM_PREFIX = 5
MIN_WORD_PREFIX = 4
MAX_WORD_CHARS = 60

# Words too common to help find a post; dropped from index and queries alike (folded).
STOP_WORDS = frozenset(
    """aber alle allem allen aller alles als also am an auch auf aus bei beim bin bis bist
    da damit dann das dass dem den der des die dies diese diesem diesen dieser dieses
    doch dort du durch ein eine einem einen einer eines er es fuer hat hatte ich ihr im
    in ins ist jetzt kann man mit nach nicht noch nun nur ob oder sein seine sich sie
    sind so ueber um und uns unter vom von vor war waren was wie wir wird wo zu zum zur""".split()  # noqa: SIM905
)

_FOLD = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})
# Letters and digits of any script; "_" separates, as it does for both databases.
_WORD = re.compile(r"[^\W_]+")
_ASCII_LETTERS = re.compile(r"[a-z]+")
# Inflection endings (nouns, adjectives) stripped for the head form, longest first.
_ENDINGS = ("ern", "em", "en", "er", "es", "e", "n", "s")
# ae/oe/ue read as umlauts and then dropped, as the Snowball stemmer does ("que" stays).
_UMLAUT = re.compile(r"(?<!q)([aou])e")


def fold(text: str) -> str:
    """``text`` in lower case with ß, umlauts and other accents written in ASCII."""
    text = text.lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of ``text``, stop words left out."""
    found = (word[:MAX_WORD_CHARS] for word in _WORD.findall(fold(text or "")))
    return [word for word in found if word not in STOP_WORDS]


_local = threading.local()  # a Snowball stemmer keeps state while it works


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball German stem of the folded ``word``."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    return stemmer.stemWord(word) or word


def strip_ending(word: str) -> str:
    """``word`` without its inflection ending (nouns, adjectives), at least three letters
    left: "baustellen" → "baustell", "spielplaetze" → "spielplaetz"."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=100_000)
def head_form(word: str) -> str:
    """The folded ``word`` without umlauts and without its inflection ending only: unlike
    the stem, the same for a compound's head alone and inside the compound (Snowball cuts
    "-ung" from "vollsperrung" but not from "sperrung")."""
    return strip_ending(_UMLAUT.sub(r"\1", word))


def _backward(word: str, least: int) -> str:
    head = head_form(word)
    if len(head) < least or not _ASCII_LETTERS.fullmatch(head):
        return ""
    return BACKWARD + head[::-1]


def tokens(text: str) -> str:
    """What the index holds of ``text``: a stem per word and, for long words, the reversed
    head form; space-separated, each token of letters and digits only."""
    found = []
    for word in words(text):
        found.append(stem(word))
        if backward := _backward(word, MIN_COMPOUND):
            found.append(backward)
    return " ".join(found)


@dataclass(frozen=True)
class Pattern:
    """One way an indexed token can match a query word: equal to ``token``, or starting
    with it when ``prefix``."""

    token: str
    prefix: bool


def patterns(word: str) -> list[Pattern]:
    """The patterns any of which an indexed token must match to count as the folded query
    ``word``: its stem, the start of longer words, the head of compounds."""
    base = stem(word)
    found = [Pattern(base, prefix=len(base) >= MIN_STEM_PREFIX)]
    if not found[0].prefix and len(word) >= MIN_WORD_PREFIX:
        # "Rosen" (stem "ros") finds "Rosenweg" but not "Rost"; "Baum" finds "Baumfällung".
        found = [*found, Pattern(word, prefix=True)] if word != base else [Pattern(word, True)]
    head = head_form(word)
    if not any(head.startswith(p.token) if p.prefix else head == p.token for p in found):
        # "Kitas" (stem "kitas": Snowball keeps an "s" after a vowel) is "Kita".
        found.append(Pattern(head, prefix=False))
    if backward := _backward(word, MIN_HEAD):
        found.append(Pattern(backward, prefix=True))
    return found


def query_words(query: str, *, limit: int) -> list[str]:
    """The distinct folded words of a query, at most ``limit``; every one must match."""
    return list(dict.fromkeys(words(query)))[:limit]
