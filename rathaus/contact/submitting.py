"""A citizen writes through the contact form: the message enters the inbox through the one
door (``inbox.inbound.receive``), with its photo, and the citizen gets a reference number
and, if they gave an address, a confirmation email with the follow link."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape, linebreaks
from django.utils.text import Truncator

from rathaus.contact import follow, mails
from rathaus.contact.follow import CHANNEL
from rathaus.inbox import inbound
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.models import Office
from rathaus.posts.models import Post

log = logging.getLogger(__name__)
SUBJECT_WORDS = 10


class NonceUsed(Exception):
    """The form's nonce already carried another text: a copied or replayed form."""


def _html(text: str) -> str:
    # The citizen's text is plain text: any markup in it is shown, never interpreted.
    return linebreaks(escape(text))


def _store(
    inbound_message: inbound.InboundMessage, photo: ContentFile | None
) -> tuple[Message, bool]:
    with transaction.atomic():
        message, created = inbound.receive(inbound_message)
        if not created:
            # The same form again (double click, reload of the answer): the message we
            # already hold, unless a replayed form tries to put other words under its id.
            if message.text_html != inbound.sanitise(inbound_message.text_html):
                raise NonceUsed
            return message, False
        if photo is not None:
            message.photo.save(photo.name, photo, save=False)
            message.save(update_fields=["photo"])
    return message, True


def ask(
    office: Office,
    *,
    nonce_id: str,
    text: str,
    name: str = "",
    email: str = "",
    photo: ContentFile | None = None,
    post: Post | None = None,
    link: Callable[[Conversation], str] = follow.url,
) -> tuple[Message, bool]:
    """Store a new question (once per form); True if it is new. A confirmation goes to
    ``email`` with the reference number and the follow link ``link`` makes."""
    message, created = _store(
        inbound.InboundMessage(
            office=office,
            channel=CHANNEL,
            remote_id=f"{CHANNEL}:{nonce_id}",
            text_html=_html(text),
            author_name=name.strip(),
            author_email=email.strip(),
            post=post,
            is_public=False,
            subject=Truncator(" ".join(text.split())).words(SUBJECT_WORDS),
        ),
        photo,
    )
    if created and email:
        confirm(message.conversation, link(message.conversation))
    return message, created


def confirm(conversation: Conversation, follow_url: str) -> bool:
    """Send the confirmation; a mail server that is down loses nothing (the thank-you page
    shows the same link), so the failure is only logged."""
    try:
        mails.confirmation(conversation, follow_url).send()
    except (smtplib.SMTPException, OSError):
        log.warning("confirmation for %s could not be sent", conversation.reference, exc_info=True)
        return False
    return True


def write_again(
    conversation: Conversation, *, nonce_id: str, text: str, photo: ContentFile | None = None
) -> Message:
    """A follow-up from the follow page, threaded under the conversation's last message."""
    last = (
        conversation.messages.filter(channel=CHANNEL)
        .exclude(direction=Message.Direction.NOTE)
        .order_by("-received_at", "-id")
        .first()
    )
    message, _created = _store(
        inbound.InboundMessage(
            office=conversation.office,
            channel=CHANNEL,
            remote_id=f"{CHANNEL}:{nonce_id}",
            text_html=_html(text),
            author_name=conversation.citizen_name,
            author_email=conversation.citizen_email,
            in_reply_to=last.remote_id if last else "",
            post=conversation.post,
        ),
        photo,
    )
    return message
