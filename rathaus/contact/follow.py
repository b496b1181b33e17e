"""The citizen's follow link: a signed, expiring token naming one conversation, so the
citizen can read our answer and write again without an account.

The token carries the conversation's id and reference number and our signature; it cannot
be guessed or changed, and it stops working after FOLLOW_MAX_AGE.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse

from rathaus.inbox.models import Conversation, Message
from rathaus.offices.models import Office

SALT = "rathaus.contact.follow"
FOLLOW_MAX_AGE = timedelta(days=90)
CHANNEL = "contact"


class LinkExpired(Exception):
    """A genuine link, but older than FOLLOW_MAX_AGE."""


class LinkInvalid(Exception):
    """Not a link we made, changed, or for another office."""


def token(conversation: Conversation) -> str:
    return signing.dumps([conversation.pk, conversation.reference], salt=SALT, compress=True)


def conversation_for(office: Office, value: str) -> Conversation:
    """The conversation the token names, if it belongs to ``office`` and came through the
    contact form; raises LinkExpired or LinkInvalid."""
    try:
        pk, reference = signing.loads(value, salt=SALT, max_age=FOLLOW_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    found = Conversation.objects.filter(
        pk=pk, reference=reference, office=office, channel=CHANNEL
    ).first()
    if found is None:
        raise LinkInvalid
    return found


def path(conversation: Conversation) -> str:
    return reverse("contact:follow", args=[conversation.office.slug, token(conversation)])


def url(conversation: Conversation, request: HttpRequest | None = None) -> str:
    """The absolute follow link: on the office's public host, else on the host asked, else
    (for mails sent by the worker) on the installation's own host."""
    return conversation.office.public_url(path(conversation), request=request)


def visible_messages(conversation: Conversation):
    """What the citizen sees: their messages and our sent answers. Never internal notes,
    removed or hidden text, or answers still waiting for a colleague's approval."""
    return (
        conversation.messages.filter(
            direction__in=(Message.Direction.INBOUND, Message.Direction.OUTBOUND),
            removed_at=None,
            hidden_at=None,
        )
        .exclude(needs_approval=True, approved_by=None)
        .order_by("received_at", "id")
    )
