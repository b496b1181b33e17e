"""Password rules beyond Django's: no common password, not even dressed up.

Django's CommonPasswordValidator knows 20,000 leaked passwords, nearly all English, and
compares the whole password only, so ``passwort123`` and ``Sommer2024!!`` pass it. Here the
password is reduced to the word it is built from — lowercased, umlauts spelled out,
leetspeak undone, digits and symbols taken off — and that word is looked up in Django's
list and in a German one shipped with Rathaus. Keyboard rows, sequences and repetitions are
refused as well. Offline: nothing leaves the server.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

GERMAN_LIST = Path(__file__).resolve().parent / "data" / "common_passwords_de.txt"

_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i"})  # fmt: skip
# Rows of German and English keyboards and the usual sequences, forwards; backwards too below.
_RUNS = (
    "qwertzuiopue",
    "asdfghjkloeae",
    "yxcvbnm",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "12345678901234567890",  # digits go round: 123456789012
    "abcdefghijklmnopqrstuvwxyz",
    "qaywsxedcrfvtgbzhnujmikolp",  # down the columns of a German keyboard
)
_WALKS = _RUNS + tuple(run[::-1] for run in _RUNS)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(_SPELLED_OUT)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text)


@cache
def _common_words() -> frozenset[str]:
    german = (
        line.strip()
        for line in GERMAN_LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    django = CommonPasswordValidator().passwords
    return frozenset(_letters(_fold(word)) for word in (*german, *django)) - {""}


def _is_walk(text: str) -> bool:
    """Made only of pieces of keyboard rows or sequences, each at least 3 long."""
    if not text:
        return False
    rest = text
    while rest:
        piece = max(
            (n for walk in _WALKS for n in range(len(rest), 2, -1) if rest[:n] in walk),
            default=0,
        )
        if not piece:
            return False
        rest = rest[piece:]
    return True


def _repeats(text: str) -> bool:
    """The same few characters again and again: ``aaaaaa``, ``abcabcabc``, ``hahahaha``."""
    return bool(re.fullmatch(r"(.{1,4})\1+", text)) or len(set(text)) < 4


def weakness(password: str) -> str | None:
    """Why ``password`` is a common one, or None."""
    folded = _fold(password)
    plain = re.sub(r"[\W_]", "", folded)  # without spaces and symbols
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", folded)  # without what was added around it
    # The word it is built from, read a few ways: P@ssw0rt2024 is passwort, hall0 is hallo.
    word = _letters(core.translate(_LEET))
    candidates = {_letters(folded), word, _letters(folded.translate(_LEET))}
    words = _common_words()
    if any(len(candidate) >= 3 and candidate in words for candidate in candidates):
        return "common"
    for unit in (*candidates, plain):
        match = re.fullmatch(r"(.+?)\1+", unit)
        if match and (_letters(match.group(1)) in words or len(match.group(1)) <= 4):
            return "repeated"
    if _is_walk(plain) or _is_walk(word) or _repeats(plain):
        return "pattern"
    return None


class CommonPatternValidator:
    """For AUTH_PASSWORD_VALIDATORS, after Django's own."""

    def validate(self, password: str, user=None) -> None:
        if weakness(password):
            raise ValidationError(
                _(
                    "This password is too common: it is a well-known word or keyboard "
                    "pattern, even with digits or symbols added."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password can’t be a common word or keyboard pattern, not even with digits "
            "or symbols added."
        )
