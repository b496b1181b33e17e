"""Delivery rows as the desk shows them: the channel's name, the state and what went wrong,
in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.delivery import channels
from rathaus.delivery.models import MESSAGE, Delivery
from rathaus.inbox.models import Conversation

# A post's delivery panel fetches itself again while one of its deliveries is in one of
# these states (htmx); once all have settled it stops. Waiting to be posted by hand is
# settled: only a person moves it on. Every few seconds while a channel is being sent to
# or due; once a minute while the only ones left wait for a retry later (up to hours).
UNSETTLED = (Delivery.Status.QUEUED, Delivery.Status.RUNNING)
POLL_SOON, POLL_LATER = 3, 60


@dataclass(frozen=True)
class Row:
    delivery: Delivery
    channel_name: str
    explanation: str
    progress: str = ""
    prepared: channels.Prepared | None = None
    status_label: str = ""


def channel_name(key: str) -> str:
    try:
        return str(channels.get(key).name)
    except KeyError:
        return key  # a channel that was removed since: its key is all we have


def answer_kinds(conversation: Conversation) -> frozenset[str]:
    """The kinds of answer the conversation's channel delivers here; none for a channel
    that is gone (an account disconnected and deleted)."""
    try:
        channel = channels.get(conversation.channel)
    except KeyError:
        return frozenset()
    return channel.answer_kinds(conversation)


def explain(delivery: Delivery) -> str:
    error = delivery.last_error
    if delivery.status == Delivery.Status.NEEDS_REAUTH:
        return _(
            "The connection to this account has expired or was revoked. An office admin must "
            "connect it again, then retry. Details: %(error)s"
        ) % {"error": error or "–"}
    if delivery.status == Delivery.Status.FAILED:
        return _("The channel refused this and will not try again by itself: %(error)s") % {
            "error": error or "–"
        }
    if delivery.status == Delivery.Status.QUEUED and error:
        return _("A temporary problem; it will be tried again automatically: %(error)s") % {
            "error": error
        }
    return ""


def status_label(delivery: Delivery) -> str:
    """The state in words. The engine calls every delivery that went out "published"; an
    answer only the citizen receives (a mail, a form's follow page, a direct message) was
    sent to them, not published, and an agent must not read it otherwise."""
    if delivery.status != Delivery.Status.PUBLISHED:
        return str(delivery.get_status_display())
    if delivery.carries(MESSAGE) and not delivery.message.is_public:
        return _("Sent")
    # A withdrawal or correction that went through did not publish anything: it took the
    # post down there, or changed it.
    if delivery.action == Delivery.Action.WITHDRAW:
        return _("Withdrawn")
    if delivery.action == Delivery.Action.UPDATE:
        return _("Updated")
    return str(delivery.get_status_display())


def progress(delivery: Delivery) -> str:
    try:
        return channels.get(delivery.channel).progress(delivery)
    except KeyError:
        return ""


def prepared(delivery: Delivery) -> channels.Prepared | None:
    if delivery.status != Delivery.Status.MANUAL:
        return None
    try:
        return channels.get(delivery.channel).prepared(delivery)
    except KeyError:
        return None


def rows(deliveries: list[Delivery], of: models.Model | None = None) -> list[Row]:
    """``of``: the post or message all of ``deliveries`` carry, where the caller has it
    (``post.deliveries``): given to each, so that none loads it again."""
    if of is not None:
        for delivery in deliveries:
            delivery.subject = of
    return [
        Row(d, channel_name(d.channel), explain(d), progress(d), prepared(d), status_label(d))
        for d in deliveries
    ]


def panel(post: models.Model) -> dict:
    """What the post page's delivery panel shows: its rows, and in how many seconds it
    should ask again because a channel has not answered yet (None: all have settled)."""
    found = list(post.deliveries.all())
    return {"deliveries": rows(found, of=post), "deliveries_poll": _poll_seconds(found)}


def _poll_seconds(deliveries: list[Delivery]) -> int | None:
    waiting = [d for d in deliveries if d.status in UNSETTLED]
    if not waiting:
        return None
    soon = timezone.now() + timedelta(seconds=POLL_LATER)
    due = any(
        d.status == Delivery.Status.RUNNING or (d.next_attempt_at or soon) <= soon for d in waiting
    )
    return POLL_SOON if due else POLL_LATER
