"""Every step an agent takes on a conversation, each with a keyword-only actor, each in
the audit log. Views and tasks call these; they never save conversations themselves."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.delivery import channels, outbox
from rathaus.delivery.models import Delivery
from rathaus.inbox import background, notices
from rathaus.inbox.models import (
    Conversation,
    Message,
    ReplyReviewer,
    Team,
    Topic,
)
from rathaus.offices.access import (
    LifecycleError,
    has_role,
    inbox_readers,
    may_read_inbox,
    require_role,
)
from rathaus.offices.models import Role

AGENTS = (Role.AGENT, Role.ADMIN)
MODERATION = {"hide", "unhide", "delete", "report"}
# Sent inside the transaction when a conversation got another category (``conversation``):
# another category may have another response-time target.
category_changed = Signal()
MENTION = re.compile(r"(?<![\w.])@([\w.+-]+)")


def _open(conversation: Conversation) -> None:
    if conversation.anonymised_at:
        raise LifecycleError(_("This conversation was anonymised; nothing can be added."))


def assign(
    conversation: Conversation, *, to: Any | None = None, team: Team | None = None, by: Any
) -> Conversation:
    """Give the conversation to a person (who must be an agent of the office) and/or a team."""
    office = conversation.office
    require_role(by, office, *AGENTS)
    if to is not None and not has_role(to, office, *AGENTS):
        raise LifecycleError(_("Only agents of this office can be assigned."))
    if team is not None and team.office_id != office.pk:
        raise LifecycleError(_("This team belongs to another office."))
    before = {"assignee": str(conversation.assignee or ""), "team": str(conversation.team or "")}
    with transaction.atomic():
        conversation.assignee, conversation.team = to, team
        if conversation.status == Conversation.Status.NEW:
            conversation.status = Conversation.Status.OPEN
        conversation.save(update_fields=["assignee", "team", "status"])
        after = {"assignee": str(to or ""), "team": str(team or "")}
        record(conversation, "assigned", by=by, office=office, before=before, after=after)
        if to is not None and to != by:
            notices.assigned(conversation, to=to)
    return conversation


def set_status(conversation: Conversation, status: str, *, by: Any) -> Conversation:
    require_role(by, conversation.office, *AGENTS)
    if status not in Conversation.Status.values:
        raise LifecycleError(_("Unknown status."))
    before = conversation.status
    conversation.status = status
    conversation.closed_at = timezone.now() if status == Conversation.Status.CLOSED else None
    with transaction.atomic():
        conversation.save(update_fields=["status", "closed_at"])
        record(
            conversation,
            "status_changed",
            by=by,
            office=conversation.office,
            before={"status": before},
            after={"status": status},
        )
    return conversation


def set_details(
    conversation: Conversation,
    *,
    priority: int | None = None,
    topics: list[str] | None = None,
    category: str | None = None,
    by: Any,
) -> Conversation:
    office = conversation.office
    require_role(by, office, *AGENTS)
    with transaction.atomic():
        recount = category is not None and category != conversation.category
        if priority is not None:
            conversation.priority = priority
        if category is not None:
            conversation.category = category
        conversation.save(update_fields=["priority", "category"])
        if recount:
            category_changed.send(sender=Conversation, conversation=conversation)
        if topics is not None:
            found = [
                Topic.objects.get_or_create(office=office, name=name.strip()[:60])[0]
                for name in topics
                if name.strip()
            ]
            conversation.topics.set(found)
        record(
            conversation,
            "details_changed",
            by=by,
            office=office,
            after={"priority": conversation.priority, "topics": topics, "category": category},
        )
    return conversation


def add_note(conversation: Conversation, text: str, *, by: Any) -> Message:
    """An internal note by anyone who reads the inbox; colleagues named as @username who
    read it too are notified (a notice nobody may open helps nobody)."""
    office = conversation.office
    if not may_read_inbox(by, office):
        raise LifecycleError(_("You do not have the role needed for this step."))
    _open(conversation)
    if not text.strip():
        raise LifecycleError(_("The note is empty."))
    with transaction.atomic():
        note = Message.objects.create(
            conversation=conversation,
            office=office,
            channel=conversation.channel,
            remote_id=f"note:{uuid.uuid4()}",
            direction=Message.Direction.NOTE,
            author_user=by,
            author_name=by.get_full_name() or by.get_username(),
            text_html=linebreaks(escape(text)),
        )
        record(conversation, "note_added", by=by, office=office, after={"text": text})
        names = set(MENTION.findall(text))
        colleagues = get_user_model().objects.filter(
            username__in=names,
            pk__in=inbox_readers(office).values("user"),
        )
        notices.mentioned(conversation, colleagues.exclude(pk=by.pk), by=by)
    return note


def _reply_channel(conversation: Conversation) -> channels.Channel:
    try:
        channel = channels.get(conversation.channel)
    except KeyError:
        channel = None
    if not isinstance(channel, channels.Answers):
        raise LifecycleError(_("Answers cannot be sent through this channel."))
    return channel


def reply(conversation: Conversation, text: str, *, by: Any, public: bool | None = None) -> Message:
    """Answer the citizen through the channel the conversation came from. ``public`` only
    where the conversation is public (a comment, a public reply); it defaults to that.
    Replies of staff listed in ReplyReviewer wait for a second person's approval."""
    office = conversation.office
    require_role(by, office, *AGENTS)
    _open(conversation)
    _reply_channel(conversation)
    if not text.strip():
        raise LifecycleError(_("The answer is empty."))
    parent = (
        conversation.messages.filter(direction=Message.Direction.INBOUND, removed_at=None)
        .order_by("-received_at", "-id")
        .first()
    )
    public = conversation.is_public if public is None else public and conversation.is_public
    kind = channels.PUBLIC if public else channels.DIRECT
    channel = _reply_channel(conversation)
    if kind not in channel.answer_kinds(conversation):
        # Refused before anything is stored or sent: the agent chooses again, from what
        # the channel can really deliver.
        raise LifecycleError(channels.refusal(str(channel.name), kind))
    reviewed = ReplyReviewer.objects.filter(office=office, user=by).exists()
    now = timezone.now()
    with transaction.atomic():
        answer = Message.objects.create(
            conversation=conversation,
            office=office,
            channel=conversation.channel,
            remote_id=f"local:{uuid.uuid4()}",  # the channel sets its own id on sending
            in_reply_to=parent.remote_id if parent else "",
            direction=Message.Direction.OUTBOUND,
            author_user=by,
            author_name=by.get_full_name() or by.get_username(),
            text_html=linebreaks(escape(text)),
            is_public=public,
            needs_approval=reviewed,
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            status=Conversation.Status.ANSWERED if not reviewed else conversation.status,
            last_message_at=now,
        )
        if not reviewed:
            Conversation.objects.filter(pk=conversation.pk, first_response_at=None).update(
                first_response_at=now
            )
        record(
            conversation,
            "reply_written",
            by=by,
            office=office,
            message=_("public") if public else _("private"),
            after={"text": text, "needs_approval": reviewed},
        )
        if not reviewed:
            _dispatch(answer)
    conversation.refresh_from_db()
    return answer


def approve_reply(answer: Message, *, by: Any) -> Message:
    """Four eyes on a reply: someone else than its author lets it go out."""
    conversation = answer.conversation
    require_role(by, conversation.office, *AGENTS)
    if not answer.needs_approval or answer.approved_by_id:
        raise LifecycleError(_("This answer does not wait for approval."))
    if answer.author_user_id == by.pk:
        raise LifecycleError(_("A second person must approve your answer."))
    now = timezone.now()
    with transaction.atomic():
        answer.approved_by = by
        answer.save(update_fields=["approved_by"])
        Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.ANSWERED)
        Conversation.objects.filter(pk=conversation.pk, first_response_at=None).update(
            first_response_at=now
        )
        record(conversation, "reply_approved", by=by, office=conversation.office)
        _dispatch(answer)
    return answer


def _dispatch(answer: Message) -> Delivery:
    digest = hashlib.sha256(answer.text_html.encode()).hexdigest()
    delivery = Delivery.objects.create(
        subject=answer,
        channel=answer.channel,
        action=Delivery.Action.REPLY,
        content_hash=digest,
        idempotency_key=f"reply:{answer.pk}:{digest[:16]}",
    )
    transaction.on_commit(lambda: outbox.wake([delivery.pk]))
    return delivery


def moderate(message: Message, action: str, *, reason: str, by: Any) -> Message:
    """Hide, show again, delete or report a citizen's public comment, with the netiquette
    rule it broke. The inbox keeps the decision at once; the channel does the same on the
    platform where it can, in the background after the commit (``background``)."""
    office = message.office
    require_role(by, office, *AGENTS)
    if action not in MODERATION:
        raise LifecycleError(_("Unknown moderation step."))
    if message.direction != Message.Direction.INBOUND:
        raise LifecycleError(_("Only citizens' messages are moderated."))
    if action != "unhide" and not reason.strip():
        raise LifecycleError(_("Name the netiquette rule the comment breaks."))
    # The citizen's text stays out of the log: it must go when the conversation is
    # anonymised, and the log keeps entries for good.
    before = {"hidden": bool(message.hidden_at), "removed": bool(message.removed_at)}
    with transaction.atomic():
        if action == "hide":
            message.hidden_at = timezone.now()
        elif action == "unhide":
            message.hidden_at = None
        elif action == "delete":
            message.hidden_at = message.removed_at = timezone.now()
            message.text_html = ""
        message.moderation_reason = reason.strip()[:300]
        message.save(update_fields=["hidden_at", "removed_at", "text_html", "moderation_reason"])
        record(
            message.conversation,
            f"comment_{action}",
            by=by,
            office=office,
            message=reason,
            before=before,
            after={"hidden": bool(message.hidden_at), "removed": bool(message.removed_at)},
        )
        # Not here: the platform may be slow or silent, and this holds a web worker and the
        # transaction (on SQLite the database's write lock). Queued with the decision.
        background.queue(message, action, message.moderation_reason)
    return message
