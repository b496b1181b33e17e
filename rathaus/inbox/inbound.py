"""The one door through which citizens' messages enter: every channel (Fediverse, contact
form, email, platform connectors) converts its payload into an :class:`InboundMessage` and
calls :func:`receive`. A channel never writes conversations itself.

Threading: a message answering one we hold (``in_reply_to`` = that message's remote id)
joins its conversation if it comes from that conversation's citizen (:func:`may_join`);
anything else starts a new one, linked to the post it answers.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TYPE_CHECKING

import nh3
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from rathaus.inbox.models import Conversation, Message
from rathaus.lib.excerpt import excerpt
from rathaus.lib.weburls import web_url

if TYPE_CHECKING:
    from rathaus.offices.models import Office
    from rathaus.posts.models import Post

# Sent inside the transaction that stores a new conversation; response-time targets set
# its due times here.
conversation_opened = Signal()
# Sent by bulk ingest with its new conversations (``conversations``) before they are
# inserted, and ``now``: a receiver may fill their fields for the one INSERT, and marks what
# it filled (``Conversation.due_times_set``). ``conversation_opened`` follows for each.
conversations_opening = Signal()
# What a citizen's message may keep of its markup; everything else is dropped, never shown.
ALLOWED_TAGS = {"p", "br", "a", "span", "strong", "em", "ul", "ol", "li", "blockquote", "code"}
SUBJECT_CHARS = 80
URL_CHARS = 500  # Message.url and author_url
# Blocks a message may arrive in but not keep (a Note's <div> or <h1>, a table): their end
# becomes a line break, or the words on either side would run together ("<div>a</div>
# <div>b</div>" → "ab"). Mail parsing adds the break itself; no second one then.
_BLOCK_END = re.compile(
    r"</(div|h[1-6]|pre|table|tr|td|th|section|article|header|footer|aside|nav|dl|dt|dd"
    r"|figure|figcaption|address|details|summary)\s*>(?!\s*<br)",
    re.IGNORECASE,
)


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
    # Which of the office's own addresses it was written to, where there are several (the
    # Fediverse accounts): the answer comes from there.
    recipient: str = ""
    post: Post | None = None
    is_public: bool = False
    url: str = ""
    subject: str = ""
    # An auto-reply or delivery report: kept, but nobody owes it an answer.
    automatic: bool = False
    # The channel proved by other means that this message belongs to the conversation of
    # ``in_reply_to`` although its sender is not that conversation's citizen (a delivery
    # report quoting one of our unguessable Message-IDs); see may_join.
    thread_proven: bool = False


def sanitise(html: str) -> str:
    return nh3.clean(
        _BLOCK_END.sub(r"\g<0><br>", html or ""),
        tags=ALLOWED_TAGS,
        # "*": nh3 keeps title and lang on every tag unless told otherwise.
        attributes={"a": {"href"}, "*": set()},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow ugc",
    )


def plain_text(text_html: str) -> str:
    """The text of a sanitised message, with its paragraphs and line breaks: for mails,
    subjects and text templates."""
    text = re.sub(r"<br\s*/?>", "\n", text_html, flags=re.IGNORECASE)
    text = re.sub(r"</(p|li|blockquote)\s*>", "\n\n", text, flags=re.IGNORECASE)
    text = html.unescape(nh3.clean(text, tags=set()))
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def subject_of(html: str) -> str:
    """The first words of a message, for a conversation without a subject of its own:
    text (shown escaped once, by the template), its paragraphs and lines a space apart,
    cut at a word's end."""
    return excerpt(plain_text(html), SUBJECT_CHARS)


def new_conversation(inbound: InboundMessage, text: str, now) -> Conversation:
    """The conversation a first message opens (unsaved): ``receive`` and the batch
    ``ingest.receive_many`` build it the same way."""
    return Conversation(
        office=inbound.office,
        channel=inbound.channel,
        is_public=inbound.is_public,
        subject=inbound.subject[:200] or subject_of(text),
        post=inbound.post,
        category=inbound.post.category if inbound.post else "",
        citizen_name=inbound.author_name[:200],
        citizen_email=inbound.author_email[:254],
        citizen_handle=inbound.author_handle[:500],
        priority=Conversation.Priority.LOW if inbound.automatic else Conversation.Priority.NORMAL,
        last_message_at=now,
    )


def _link(value: str) -> str:
    """A link from outside as we keep it: http(s) only (a Note's ``url`` of
    ``javascript:…`` would run on the desk when clicked), and whole or not at all."""
    kept = web_url(value)
    return kept if len(kept) <= URL_CHARS else ""


def new_message(inbound: InboundMessage, conversation: Conversation, text: str) -> Message:
    """The stored form of ``inbound`` (unsaved); ``text`` is the sanitised text."""
    return Message(
        conversation=conversation,
        office=inbound.office,
        channel=inbound.channel,
        remote_id=inbound.remote_id,
        in_reply_to=inbound.in_reply_to,
        recipient=inbound.recipient[:500],
        author_name=inbound.author_name[:200],
        author_handle=inbound.author_handle[:500],
        author_url=_link(inbound.author_url),
        text_html=text,
        url=_link(inbound.url),
        is_public=inbound.is_public,
    )


def reopen(conversation: Conversation, now) -> None:
    """A citizen writing again reopens what we answered or closed (unsaved)."""
    if conversation.status != Conversation.Status.NEW:
        conversation.status = Conversation.Status.OPEN
    conversation.last_message_at = now


def opened(conversation: Conversation, inbound: InboundMessage) -> None:
    if not inbound.automatic:  # no response-time target for a machine's mail
        conversation_opened.send(sender=Conversation, conversation=conversation)


def _address(email: str) -> str:
    return parseaddr(email or "")[1].strip().lower()


def may_join(conversation: Conversation, inbound: InboundMessage) -> bool:
    """Whether a message replying to one of ``conversation`` may join it: only its citizen's.

    Anyone can reply to a message whose id they know (a Message-ID, a public answer on the
    Fediverse or a platform), and what joins a conversation is shown on the citizen's follow
    page, answered to its last sender and handed out with the citizen's data. So someone
    else replying starts a conversation of their own, as a public thread's other voices do.
    Compared: the mail address where either side has one, else the handle; a channel that
    knows no sender at all (a Facebook comment) cannot tell, and joins."""
    if inbound.thread_proven:
        return True
    if inbound.author_email or conversation.citizen_email:
        theirs = _address(inbound.author_email)
        return bool(theirs) and theirs == _address(conversation.citizen_email)
    return inbound.author_handle.strip().lower() == conversation.citizen_handle.strip().lower()


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
    if parent is not None and may_join(parent.conversation, inbound):
        conversation = parent.conversation
        reopen(conversation, now)
        conversation.save(update_fields=["status", "last_message_at"])
        return conversation
    conversation = new_conversation(inbound, text, now)
    conversation.save()
    opened(conversation, inbound)
    return conversation


def _held(inbound: InboundMessage) -> Message | None:
    return Message.objects.filter(
        office=inbound.office, channel=inbound.channel, remote_id=inbound.remote_id
    ).first()


def receive(inbound: InboundMessage, *, attempts: int = 3) -> tuple[Message, bool]:
    """Store the message (once per office, channel and remote id); True if it is new."""
    existing = _held(inbound)
    if existing is not None:
        return existing, False
    text = sanitise(inbound.text_html)
    try:
        with transaction.atomic():
            message = new_message(inbound, _conversation_for(inbound, text, timezone.now()), text)
            message.save()
    except IntegrityError:
        existing = _held(inbound)
        if existing is not None:  # the same message arrived twice at the same moment
            return existing, False
        if attempts <= 1:
            raise
        # A new conversation drew a reference number that was taken: draw again.
        return receive(inbound, attempts=attempts - 1)
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
