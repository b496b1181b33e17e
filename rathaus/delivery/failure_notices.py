"""Telling the approver who sent a post out that one of its channels gave up: a delivery
that failed for good or needs the account connected again. Answers to citizens are the
inbox's business and tell nobody here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.audit.models import AuditEntry
from rathaus.delivery import channels
from rathaus.delivery.models import POST, Delivery
from rathaus.notifications.models import Notification
from rathaus.notifications.notify import notify

# The steps that hand a post to its channels; their actor sent this delivery out.
SENDING_STEPS = ("published", "corrected", "withdrawn")


def sender(post: Any) -> Any:
    """Who published (or corrected, withdrew) the post last; for the scheduler's
    publication, the approver who approved it for that time."""
    last = (
        AuditEntry.objects.filter(
            subject_type=post._meta.label_lower,
            subject_id=post.pk,
            action__in=SENDING_STEPS,
            actor__isnull=False,
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return last.actor if last is not None else post.approved_by


def _channel_name(key: str) -> str:
    try:
        return str(channels.get(key).name)
    except KeyError:
        return key


def tell(delivery: Delivery, *, error: str) -> None:
    """Called once the failure (``error``, the channel's message) is recorded."""
    if not delivery.carries(POST):
        return
    post = delivery.subject
    with translation.override(settings.LANGUAGE_CODE):
        text = _("“%(title)s” could not be delivered to %(channel)s: %(error)s") % {
            "title": post.title,
            "channel": _channel_name(delivery.channel),
            "error": error,
        }
    notify(
        [sender(post)],
        office=post.office,
        kind=Notification.Kind.DELIVERY_FAILED,
        text=text,
        url=reverse("desk:post_detail", args=[post.office.slug, post.pk]),
    )
