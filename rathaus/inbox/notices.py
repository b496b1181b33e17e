"""The inbox's notifications (``rathaus.notifications``): a conversation assigned, a
mention in a note, a conversation overdue (``response_times``). Each names its
conversation by a key (``conversation:<id>``), by which erasure finds them again.

Their texts name the conversation's subject, which a citizen wrote: they stay in the
house, never go out by mail (the overdue summary mails reference numbers only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.inbox.models import Conversation
from rathaus.notifications.models import Notification
from rathaus.notifications.notify import notify
from rathaus.offices.people import display_name

SUBJECT_PREFIX = "conversation:"


def subject_of(conversation_id: int) -> str:
    return f"{SUBJECT_PREFIX}{conversation_id}"


def names(conversation: Conversation) -> dict:
    return {"subject": conversation.subject or conversation.reference}


def tell(users: Iterable[Any], conversation: Conversation, kind: str, text: str) -> None:
    """``text`` already in the installation's language (see ``in_house_language``)."""
    notify(
        users,
        office=conversation.office,
        kind=kind,
        text=text,
        url=reverse("desk:conversation", args=[conversation.office.slug, conversation.pk]),
        subject=subject_of(conversation.pk),
        mail=False,
    )


def in_house_language() -> Any:
    # Read later by others, whatever the desk language of the step: as notify says.
    return translation.override(settings.LANGUAGE_CODE)


def assigned(conversation: Conversation, *, to: Any) -> None:
    with in_house_language():
        text = _("Assigned to you: %(subject)s") % names(conversation)
    tell([to], conversation, Notification.Kind.ASSIGNED, text)


def mentioned(conversation: Conversation, colleagues: Iterable[Any], *, by: Any) -> None:
    with in_house_language():
        text = _("%(name)s mentioned you: %(subject)s") % {
            "name": display_name(by),
            **names(conversation),
        }
    tell(colleagues, conversation, Notification.Kind.MENTIONED, text)


def forget(conversation_ids: Iterable[int]) -> int:
    """Delete the notifications about these conversations (their texts name them)."""
    keys = [subject_of(pk) for pk in conversation_ids]
    return Notification.objects.filter(subject__in=keys).delete()[0]
