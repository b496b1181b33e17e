"""Placeholders in text templates: ``{name}``, ``{reference}``, ``{office}``,
``{office_hours}`` and ``{agent}``, filled from a conversation.

Template text is written by staff and may contain any braces, so it is never passed to
``str.format``: only ``{word}`` tokens are looked at, a lone ``{`` or ``}`` stays as it is,
and an unknown placeholder stays visible (and is reported by ``unknown_placeholders``)
rather than vanishing from an answer to a citizen.

An empty value — the citizen gave no name, no acting user given — fills in as nothing,
and the space before it goes too when a space, punctuation or the line's end follows, so
"Guten Tag {name}," reads "Guten Tag," rather than "Guten Tag ,". A template author who
wants a fallback greeting writes one that reads well either way. Names match without
regard to case ({Name} is {name}).

Some placeholders give whole lines, not words: ``{office_hours}`` is several lines
("Bürgeramt: Mo 8–14 Uhr" / "Pressestelle: Mo–Fr 9–16 Uhr") that read well only as a block
of their own. Such a placeholder must stand alone on its line (``validate_placeholders``
refuses it inside a sentence) and fills that line with its lines, or removes the line when
the value is empty. A template saved before this rule may still have it inside a
sentence: a one-line value then fills in as a word, as it always did, and a value of
several lines goes below the words before it, which end with a colon.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rathaus.inbox.models import Conversation

PLACEHOLDERS = {
    "name": _("the citizen's name (empty if they gave none)"),
    "reference": _("the conversation's reference number"),
    "office": _("the office's name"),
    "office_hours": _("the office's opening hours, on a line of their own"),
    "agent": _("your own name"),
}
# Placeholders whose value is lines of their own (see the module's text).
BLOCKS = frozenset({"office_hours"})
BLOCK_TOKEN = re.compile(r"[ \t]*\{(?P<name>" + "|".join(BLOCKS) + r")\}", re.IGNORECASE)
# What may follow a block placeholder on its line and go: the end of the sentence it was in.
_ONLY_PUNCTUATION = re.compile(r"[.,;:!?]*")
# An optional space before the token, so an empty value can take it along.
TOKEN = re.compile(
    r"(?P<space>[ \t]?)\{(?P<name>[A-Za-z_]+)\}"
    # What follows, if it lets an empty value take its space along.
    r"(?=(?P<next>[ \t,.;:!?\r\n]|$)?)"
)


def values(conversation: Conversation, *, by: Any | None = None) -> dict[str, str]:
    office = conversation.office
    agent = ""
    if by is not None:
        agent = by.get_full_name() or by.get_username()
    return {
        "name": conversation.citizen_name.strip(),
        "reference": conversation.reference,
        "office": office.name,
        "office_hours": "\n".join(
            line.strip() for line in office.office_hours.strip().splitlines()
        ),
        "agent": agent,
    }


def fill(text: str, conversation: Conversation, *, by: Any | None = None) -> str:
    """``text`` with every known placeholder replaced; unknown ones are left as written.
    Line ends come out as ``\n`` (a form's textarea sends ``\r\n``)."""
    known = values(conversation, by=by)
    lines = (_fill_line(line, known) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line is not None)


def _fill_line(line: str, known: dict[str, str]) -> str | None:
    """One line filled; None where it held only a block placeholder with an empty value."""
    block = BLOCK_TOKEN.search(line)
    if block is None:
        return _fill_words(line, known)
    value = known[block["name"].lower()]
    before, after = line[: block.start()], line[block.end() :]
    if not before.strip() and not after.strip():
        return value or None
    if not value or "\n" not in value:  # a template from before the rule, as it read then
        return _fill_words(line, known)
    parts = []
    if before.strip():
        words = _fill_words(before.rstrip(), known)
        parts.append(words if words.endswith((":", ".", "!", "?")) else f"{words}:")
    parts.append(value)
    rest = after.strip()
    if not _ONLY_PUNCTUATION.fullmatch(rest):
        parts.append(_fill_line(rest, known) or "")
    return "\n".join(parts)


def _fill_words(text: str, known: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        name = match["name"].lower()
        if name not in known:
            return match[0]
        value = known[name]
        if not value and match["next"] is not None:
            return ""
        return match["space"] + value

    return TOKEN.sub(replace, text)


def unknown_placeholders(text: str) -> list[str]:
    """Tokens like ``{foo}`` that fill() would leave in the text, each once, in order."""
    found: list[str] = []
    for match in TOKEN.finditer(text):
        token = "{" + match["name"] + "}"
        if match["name"].lower() not in PLACEHOLDERS and token not in found:
            found.append(token)
    return found


def blocks_in_sentences(text: str) -> list[str]:
    """Placeholders that give whole lines but share their line with other text, each once."""
    found: list[str] = []
    for line in text.splitlines():
        for match in BLOCK_TOKEN.finditer(line):
            token = "{" + match["name"] + "}"
            if line.strip() != token.strip() and token not in found:
                found.append(token)
    return found


def validate_placeholders(text: str) -> None:
    """Form and model validation: a template with a typo is refused, not sent, and so is
    one that puts a placeholder of whole lines inside a sentence."""
    errors = []
    unknown = unknown_placeholders(text)
    if unknown:
        errors.append(
            ValidationError(
                _("Unknown placeholders: %(names)s. Known are: %(known)s."),
                params={
                    "names": ", ".join(unknown),
                    "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
                },
            )
        )
    misplaced = blocks_in_sentences(text)
    if misplaced:
        errors.append(
            ValidationError(
                _(
                    "%(names)s gives whole lines: put it on a line of its own, e.g. below "
                    "“You can reach us at these times:”."
                ),
                params={"names": ", ".join(misplaced)},
            )
        )
    if errors:
        raise ValidationError(errors)
