"""Streets and addresses named in a German council text, found against an office's street
list (:mod:`rathaus.lib.street_lists`).

A street's name and the text are cut into the same *tokens*: folded words (see
:func:`rathaus.lib.german_words.fold`), where a word ending in a street word such as
"-straße", "-str.", "-damm", "-platz" is split in two ("Hermannstraße" → hermann | strasse).
So "Hermannstraße", "Hermannstr.", "Hermann-Straße" and "HERMANNSTRASSE" are the same
tokens, and so are "Karl-Marx-Straße" and "Karl-Marx-Str.". The names' tokens form a trie;
each word of the text starts at most one walk down it, so a text costs the same for 50
streets or 5,000.

German grammar the walk allows:

- Genitive -s/-es: "des Tempelhofer Damms", "des Platzes der Republik", "des Großen Sterns".
- Adjective endings before the last word: "am Hackeschen Markt" (Hackescher Markt), "in der
  Neuen Schönhauser Straße", "zwischen Großem Stern und …".
- A name's leading "Am"/"Unter"/… in lower case: "am Lustgarten" is the street "Am
  Lustgarten"; the Lustgarten alone (the park) is not.
- The Ergänzungsstrich (a hyphen standing for a shared last part): "Rathaus- und
  Schillerstraße", "die Hermann- und die Flughafenstraße" name two streets.

And what it refuses: a name's capitalised words must be capitalised in the text ("eine neue
Straße" is not the "Neue Straße"); a match starts and ends on whole words
("Hermannstraßenfest", "Straßenreinigung", "Oberhermannstraße" are no Hermannstraße); and a
name of one plain word without a street word ("Lustgarten" as a street) counts only with a
house number, since the word alone names the park, the building, the person.

House numbers follow the name: "12", "12a", "12 a", "12-14", "12 bis 14", "Nr. 7", and
lists ("12a und 12b": one mention each). Years ("Friedrichstraße 2024"), dates ("12.03."),
times and counts ("30 Bäume") are not house numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rathaus.lib.german_words import fold
from rathaus.lib.street_lists import Street

# Street words (folded) that end a name or a compound, and the one token each stands for.
# Masculine and neuter ones take a genitive -s/-es, which the token absorbs.
_FEMININE = ("strasse", "allee", "gasse", "chaussee", "bruecke", "promenade", "zeile")
_MASCULINE = ("weg", "platz", "damm", "markt", "ring", "steig", "stieg", "pfad", "ufer")
# Split off too (for the genitive), but not proof of a street: "Lustgarten" is a park,
# "Friedhof" a cemetery.
_WEAK = ("garten", "graben", "hof", "kai", "deich")
_STREET_WORDS: dict[str, str] = {"str": "strasse"}
for _word in _FEMININE:
    _STREET_WORDS[_word] = _word
for _word in (*_MASCULINE, *_WEAK):
    for _ending in ("", "s", "es"):
        _STREET_WORDS[_word + _ending] = _word
_BY_LENGTH = sorted(_STREET_WORDS, key=len, reverse=True)
_STRONG = frozenset((*_FEMININE, *_MASCULINE))
# Words that may stand in lower case in the text though the name capitalises them.
_FUNCTION_WORDS = frozenset(
    """am an auf im in unter hinter vor zum zur bei beim ueber neben der den dem des die das
    von vom zu und""".split()  # noqa: SIM905
)
_ADJECTIVE_ENDINGS = ("em", "en", "er", "es", "e")  # longest first
_MIN_STEM = 3  # letters before a split-off street word: "Umweg" and "gering" stay whole

# Letters and digits, and the combining marks of text in NFD ("o" + U+0308 for "ö").
_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")
_HYPHEN = "-\u2010\u2011"
# Between two words of one name: a few spaces (a line break too), or a hyphen, after the
# dot of a title too ("Dr.-Ernst-Zimmermann-Straße").
_JOIN = re.compile(rf"\s{{1,4}}|\.?[ \t]*[{_HYPHEN}][ \t]*\n?[ \t]*")
_JOIN_AFTER_NUMBER = re.compile(r"\.\s{1,3}")  # "Straße des 17. Juni"

_NUMBER = r"\d{1,4}(?!\d)(?:[ \t]?[a-zA-Z](?![^\W_]))?"
_FIRST_NUMBER = re.compile(
    rf"[ \t]*(?:,?[ \t]*(?:Nr\.|Hausnummer|Hausnr\.)[ \t]*)?(?P<number>{_NUMBER}"
    rf"(?:[ \t]*(?:[-–—]|/(?=[ \t]*\d)|bis\b)[ \t]*{_NUMBER})?)"
)
_NEXT_NUMBER = re.compile(
    rf"[ \t]*(?P<joiner>,|und\b|sowie\b|u\.)[ \t]*(?P<number>{_NUMBER}"
    rf"(?:[ \t]*(?:[-–—]|bis\b)[ \t]*{_NUMBER})?)"
)
# After a number, these make it a date, a time, an amount or a count, not a house number.
_NOT_AFTER_NUMBER = re.compile(
    r"""\.\d|\.?[ \t]*(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober
    |November|Dezember)\b|[ \t]*(?:%|€|m²|[.,]\d)
    |[ \t]+(?:Uhr|Prozent|Euro|Meter|m|km|Stück|Jahre|Jahren|Monate|Wochen|Tage|Stunden
    |Minuten|Bäume|Baum|Bänke|Stellplätze|Parkplätze|Plätze|Fahrradbügel|Bügel|Laternen
    |Wohnungen|Personen|Kinder|Fahrzeuge|neue|weitere|zusätzliche)\b""",
    re.VERBOSE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# "Rathaus-", "Karl-Marx-" standing for "Rathausstraße", "Karl-Marx-Straße" before a
# conjunction (and maybe an article); matched at the end of the text before a mention.
_TRUNCATED = re.compile(
    rf"(?<![^\W_])(?P<part>[^\W\d_][^\W_]*(?:[{_HYPHEN}][^\W\d_][^\W_]*)*)[{_HYPHEN}]"
    rf"[ \t]*(?:,|/|und|oder|sowie|bzw\.)[ \t]*(?:(?:die|der|den|dem|das)[ \t]+)?\Z"
)


@dataclass(frozen=True)
class Mention:
    """A street (or an address on it) named in a text: ``text[start:end]`` is what names it;
    for the second and later numbers of a list ("12a und 12b") only the number."""

    street: str
    house_number: str  # "" without one; "12", "12a", "12-14" (spaces and case evened out)
    start: int
    end: int
    text: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Token:
    key: str
    start: int
    end: int
    capital: bool  # the word it belongs to starts with a capital letter (or a digit)
    word_start: bool  # False for the street word split off a compound
    word_end: bool  # False for the part a street word was split off
    street_word: bool


@dataclass(eq=False)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    street: Street | None = None
    needs_number: bool = False
    # The token leading here must be capitalised in the text (the name capitalises it).
    capital: bool = True


@lru_cache(maxsize=100_000)
def _word_parts(word: str) -> tuple[tuple[str, int, int, bool], ...]:
    """``word`` as (key, start, end, is street word) parts: one, or two when it ends in a
    street word; start and end are offsets in ``word`` itself."""
    pieces: list[str] = []  # each character folded; a combining mark with its letter
    letter = 0
    for index, char in enumerate(word):
        if index and unicodedata.combining(char):
            pieces[letter] = fold(unicodedata.normalize("NFC", word[letter : index + 1]))
            pieces.append("")
        else:
            letter = index
            pieces.append(fold(char))
    folded = "".join(pieces)
    whole = _STREET_WORDS.get(folded)
    if whole:
        return ((whole, 0, len(word), True),)
    for form in _BY_LENGTH:
        if folded.endswith(form) and len(folded) - len(form) >= _MIN_STEM:
            # The offset in ``word`` where the folded street word begins ("ß" is two letters).
            length, cut = 0, 0
            while cut < len(word) and length < len(folded) - len(form):
                length += len(pieces[cut])
                cut += 1
            if length == len(folded) - len(form):
                head = folded[: len(folded) - len(form)]
                return ((head, 0, cut, False), (_STREET_WORDS[form], cut, len(word), True))
            break
    return ((folded, 0, len(word), False),)


def _tokens(text: str) -> list[_Token]:
    found = []
    for match in _WORD.finditer(text):
        word, offset = match.group(), match.start()
        capital = word[0].isupper() or word[0].isdigit()
        parts = _word_parts(word)
        for index, (key, start, end, street_word) in enumerate(parts):
            end += offset
            if (
                key == "strasse"
                and text[end - 3 : end].lower() == "str"
                and text[end : end + 1] == "."
            ):
                end += 1  # "Str." with its dot
            found.append(
                _Token(
                    key,
                    offset + start,
                    end,
                    capital,
                    index == 0,
                    index == len(parts) - 1,
                    street_word,
                )
            )
    return found


def _variants(token: _Token) -> list[tuple[str, str]]:
    """The keys a name's token may have for ``token`` of the text, and how it was bent."""
    key = token.key
    found = [(key, "exact")]
    if token.street_word or key.isdigit():
        return found
    for ending in ("es", "s"):  # genitive of the name's last word: "des Großen Sterns"
        if key.endswith(ending) and len(key) > len(ending) + 2:
            found.append((key[: -len(ending)], "genitive"))
    stem = key
    for ending in _ADJECTIVE_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending) + 2:
            stem = key[: -len(ending)]
            break
    found.extend(
        (stem + ending, "adjective") for ending in ("", *_ADJECTIVE_ENDINGS) if stem + ending != key
    )
    return found


def _joined(text: str, before: _Token, after: _Token) -> bool:
    if not after.word_start:
        return True  # the two parts of one word
    gap = text[before.end : after.start]
    if "\n\n" in gap:
        return False
    # A dot ends a number ("17. Juni") or an abbreviation ("Str. d. 17. Juni", "Prof. ").
    dotted = before.key.isdigit() or len(before.key) <= 4
    return bool(_JOIN.fullmatch(gap) or (dotted and _JOIN_AFTER_NUMBER.fullmatch(gap)))


class StreetIndex:
    """The streets of a list as a trie of their tokens, built once per list."""

    def __init__(self, streets: Iterable[Street]) -> None:
        self._root = _Node()
        self._count = 0
        for street in streets:
            self._add(street)

    def __len__(self) -> int:
        return self._count

    def _add(self, street: Street) -> None:
        tokens = _tokens(street.name)
        if not tokens:
            return
        node = self._root
        for token in tokens:
            child = node.children.get(token.key)
            must_capital = token.capital and not (
                token.street_word or token.key in _FUNCTION_WORDS or token.key.isdigit()
            )
            if child is None:
                child = node.children[token.key] = _Node(capital=must_capital)
            child.capital = child.capital and must_capital
            node = child
        if node.street is None:  # two spellings of one name: the first one wins
            self._count += 1
            node.street = street
            words = sum(token.word_start for token in tokens)
            strong = words > 1 or any(t.key in _STRONG or t.key in _FUNCTION_WORDS for t in tokens)
            node.needs_number = not strong

    def _longest(self, text: str, tokens: list[_Token], start: int) -> tuple[int, _Node] | None:
        """The longest name starting at ``tokens[start]``: (index after it, its trie node)."""
        best: tuple[int, _Node] | None = None
        stack = [(self._root, start)]
        while stack:
            node, index = stack.pop()
            token = tokens[index]
            if index > start and not _joined(text, tokens[index - 1], token):
                continue
            variants = _variants(token)
            if index > start and len(token.key) <= 3 and text[token.end : token.end + 1] == ".":
                # An abbreviated word inside a name: "Str. d. 17. Juni".
                variants += [
                    (key, "adjective") for key in node.children if key.startswith(token.key)
                ]
            for key, bent in variants:
                child = node.children.get(key)
                if child is None or (child.capital and not token.capital):
                    continue
                ends = child.street is not None and token.word_end and bent != "adjective"
                if ends and (best is None or index + 1 > best[0]):
                    best = (index + 1, child)
                if bent != "genitive" and child.children and index + 1 < len(tokens):
                    stack.append((child, index + 1))
        return best


def _numbers(text: str, end: int) -> list[tuple[str, int, int]]:
    """The house numbers right after ``text[:end]``: (normalised, start, end) each."""
    found = []
    pattern = _FIRST_NUMBER
    while match := pattern.match(text, end):
        number = match.group("number")
        after = match.end("number")
        first = re.match(r"\d+", number)
        if _NOT_AFTER_NUMBER.match(text, after) or (first and _YEAR.fullmatch(first.group())):
            break
        if text[after : after + 1].isalnum():
            break
        if pattern is _NEXT_NUMBER and match["joiner"] == "," and text[after : after + 1] == ".":
            break  # "Hermannstraße 12, 2. OG": an ordinal, not a second house
        normal = re.sub(r"\s+", "", re.sub(r"\s*(?:bis|[-–—/])\s*", "-", number)).lower()
        found.append((normal, match.start("number"), after))
        end, pattern = after, _NEXT_NUMBER
    return found


def _mentions_at(text: str, node: _Node, start: int, end: int) -> list[Mention]:
    street = node.street
    assert street is not None
    numbers = _numbers(text, end)
    if node.needs_number and not numbers:
        return []
    first_end = numbers[0][2] if numbers else end
    found = [
        Mention(
            street.name,
            numbers[0][0] if numbers else "",
            start,
            first_end,
            text[start:first_end],
            street.lat,
            street.lon,
        )
    ]
    for number, number_start, number_end in numbers[1:]:
        found.append(
            Mention(
                street.name,
                number,
                number_start,
                number_end,
                text[number_start:number_end],
                street.lat,
                street.lon,
            )
        )
    return found


def _truncated(text: str, index: StreetIndex, before: int, street_word: str) -> list[Mention]:
    """The names shortened by an Ergänzungsstrich in front of ``before``, whose street word
    is ``street_word``: "Rathaus- und " before "Schillerstraße"."""
    found = []
    while match := _TRUNCATED.search(text, max(0, before - 120), before):
        shared = _Token(street_word, 0, 0, True, False, True, True)
        part_tokens = [*_tokens(match.group("part")), shared]
        node = index._root
        for token in part_tokens:
            child = node.children.get(token.key)
            if child is None or (child.capital and not token.capital):
                return found
            node = child
        if node.street is None:
            return found
        start, end = match.start("part"), match.end("part") + 1
        found.append(
            Mention(
                node.street.name, "", start, end, text[start:end], node.street.lat, node.street.lon
            )
        )
        before = start
    return found


def find_places(text: str, streets: StreetIndex) -> list[Mention]:
    """Every mention of a street of ``streets`` in ``text``, in the order of the text."""
    tokens = _tokens(text)
    found: list[Mention] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        previous = tokens[index - 1] if index else None
        glued = previous is not None and text[previous.end : token.start] in tuple(_HYPHEN)
        match = streets._longest(text, tokens, index) if token.word_start and not glued else None
        if match is None:
            index += 1
            continue
        after, node = match
        mentions = _mentions_at(text, node, token.start, tokens[after - 1].end)
        if mentions:
            last = tokens[after - 1]
            if last.street_word and not last.word_start:
                found.extend(_truncated(text, streets, token.start, last.key))
            found.extend(mentions)
            while after < len(tokens) and tokens[after].start < mentions[-1].end:
                after += 1
            index = after
        else:
            index += 1
    return sorted(found, key=lambda mention: mention.start)
