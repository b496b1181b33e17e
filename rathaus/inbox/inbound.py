"""The one door through which citizens' messages enter: every channel (Fediverse, contact
form, email, platform connectors) converts its payload into an :class:`InboundMessage` and
calls :func:`receive`. A channel never writes conversations itself.

Threading: a message answering one we hold (``in_reply_to`` = that message's remote id)
joins its conversation; anything else starts a new one, linked to the post it answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import nh3
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from rathaus.inbox.models import Conversation, Message

if TYPE_CHECKING:
    from rathaus.offices.models import Office
    from rathaus.posts.models import Post

# Sent inside the transaction that stores a new conversation; response-time targets set
# its due times here.
conversation_opened = Signal()
# What a citizen's message may keep of its markup; everything else is dropped, never shown.
ALLOWED_TAGS = {"p", "br", "a", "span", "strong", "em", "ul", "ol", "li", "blockquote", "code"}
SUBJECT_CHARS = 80


@dataclass(frozen=True)
class InboundMessage:
    office: Office
    channel: str
    remote_id: str
    text_html: str
    author_name: str = ""
    author_handle: str = ""
    author_url: str = ""
    author_email: str = ""
    in_reply_to: str = ""
    post: Post | None = None
    is_public: bool = False
    url: str = ""
    subject: str = ""
    # An auto-reply or delivery report: kept, but nobody owes it an answer.
    automatic: bool = False


def sanitise(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        # "*": nh3 keeps title and lang on every tag unless told otherwise.
        attributes={"a": {"href"}, "*": set()},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow ugc",
    )


def _subject(html: str) -> str:
    text = " ".join(nh3.clean(html, tags=set()).split())
    return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1] + "…"


def _conversation_for(inbound: InboundMessage, text: str, now) -> Conversation:
    parent = None
    if inbound.in_reply_to:
        parent = (
            Message.objects.filter(
                office=inbound.office, channel=inbound.channel, remote_id=inbound.in_reply_to
            )
            .select_related("conversation")
            .first()
        )
    if parent is not None:
        conversation = parent.conversation
        # A citizen writing again reopens what we answered or closed.
        conversation.status = (
            Conversation.Status.OPEN
            if conversation.status != Conversation.Status.NEW
            else conversation.status
        )
        conversation.last_message_at = now
        conversation.save(update_fields=["status", "last_message_at"])
        return conversation
    conversation = Conversation.objects.create(
        office=inbound.office,
        channel=inbound.channel,
        is_public=inbound.is_public,
        subject=inbound.subject[:200] or _subject(text),
        post=inbound.post,
        category=inbound.post.category if inbound.post else "",
        citizen_name=inbound.author_name[:200],
        citizen_email=inbound.author_email[:254],
        citizen_handle=inbound.author_handle[:500],
        priority=Conversation.Priority.LOW if inbound.automatic else Conversation.Priority.NORMAL,
        last_message_at=now,
    )
    if not inbound.automatic:  # no response-time target for a machine's mail
        conversation_opened.send(sender=Conversation, conversation=conversation)
    return conversation


def receive(inbound: InboundMessage) -> tuple[Message, bool]:
    """Store the message (once per office, channel and remote id); True if it is new."""
    existing = Message.objects.filter(
        office=inbound.office, channel=inbound.channel, remote_id=inbound.remote_id
    ).first()
    if existing is not None:
        return existing, False
    text = sanitise(inbound.text_html)
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                conversation=_conversation_for(inbound, text, now),
                office=inbound.office,
                channel=inbound.channel,
                remote_id=inbound.remote_id,
                in_reply_to=inbound.in_reply_to,
                author_name=inbound.author_name[:200],
                author_handle=inbound.author_handle[:500],
                author_url=inbound.author_url[:500],
                text_html=text,
                url=inbound.url[:500],
                is_public=inbound.is_public,
            )
    except IntegrityError:  # the same message arrived twice at the same moment
        message = Message.objects.get(
            office=inbound.office, channel=inbound.channel, remote_id=inbound.remote_id
        )
        return message, False
    return message, True


def edit(channel: str, remote_id: str, *, text_html: str, author_url: str) -> int:
    """The author changed a message we hold; returns how many copies (one per office)."""
    return Message.objects.filter(
        channel=channel, remote_id=remote_id, author_url=author_url, removed_at=None
    ).update(text_html=sanitise(text_html), edited_at=timezone.now())


def remove(channel: str, remote_id: str, *, author_url: str) -> int:
    """The author deleted a message: its text goes, the fact that there was one stays."""
    return Message.objects.filter(
        channel=channel, remote_id=remote_id, author_url=author_url
    ).update(text_html="", removed_at=timezone.now())


def remove_author(channel: str, author_url: str) -> int:
    """An account was deleted where it lived: remove everything it wrote to us."""
    return Message.objects.filter(channel=channel, author_url=author_url).update(
        text_html="", author_name="", removed_at=timezone.now()
    )
