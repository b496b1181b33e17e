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
    "office_hours": _("the office's opening hours"),
    "agent": _("your own name"),
}
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
        "office_hours": office.office_hours.strip(),
        "agent": agent,
    }


def fill(text: str, conversation: Conversation, *, by: Any | None = None) -> str:
    """``text`` with every known placeholder replaced; unknown ones are left as written."""
    known = values(conversation, by=by)

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


def validate_placeholders(text: str) -> None:
    """Form and model validation: a template with a typo is refused, not sent."""
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(names)s. Known are: %(known)s."),
            params={
                "names": ", ".join(unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
        )
