"""Sending deliveries: claim a row, call its channel, record the outcome.

Workers claim with a conditional UPDATE (queued → sending); only the one whose update
changed a row sends, so two workers never send the same delivery.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.delivery import channels, tasks
from rathaus.delivery.models import RETRYABLE, Delivery
from rathaus.lib import backoff
from rathaus.lib.weburls import web_url
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Role

log = logging.getLogger(__name__)
Status = Delivery.Status
# A row left in "sending" this long belongs to a worker that died.
STALE_AFTER = timedelta(minutes=10)


def claim(delivery_id: int, now: datetime | None = None) -> Delivery | None:
    now = now or timezone.now()
    won = Delivery.objects.filter(
        pk=delivery_id, status=Status.QUEUED, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not won:
        return None
    return Delivery.objects.select_related("post__office", "message__office").get(pk=delivery_id)


def _finish(delivery: Delivery, **fields: Any) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        updated_at=timezone.now(), **fields
    )


def _call(channel: channels.Channel, delivery: Delivery) -> channels.Sent | None:
    if delivery.action == Delivery.Action.REPLY:
        return channel.reply(delivery)
    post = delivery.post
    if delivery.action == Delivery.Action.PUBLISH:
        if not post.is_public:
            raise channels.PermanentError("The post was withdrawn before it was sent.")
        return channel.publish(delivery)
    if delivery.action == Delivery.Action.UPDATE:
        return channel.update(delivery)
    channel.withdraw(delivery)
    return None


def send(delivery_id: int) -> str | None:
    """Send one delivery if it is due and nobody else is sending it; returns the new status."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    try:
        channel = channels.get(delivery.channel)
        if channel.manual and delivery.action == Delivery.Action.PUBLISH:
            _finish(delivery, status=Status.MANUAL, last_error="")
            return Status.MANUAL
        sent = _call(channel, delivery)
    except channels.TemporaryError as error:
        return _retry_later(delivery, str(error), error.retry_after)
    except channels.NeedsReauthorisation as error:
        _finish(delivery, status=Status.NEEDS_REAUTH, last_error=str(error))
        return Status.NEEDS_REAUTH
    except (channels.PermanentError, KeyError) as error:
        message = str(error) if not isinstance(error, KeyError) else f"unknown channel {error}"
        _finish(delivery, status=Status.FAILED, last_error=message)
        return Status.FAILED
    except Exception as error:  # a bug or an unforeseen failure: retry, but say what it was
        log.exception("delivery %s failed unexpectedly", delivery.pk)
        return _retry_later(delivery, f"{type(error).__name__}: {error}", None)
    _finish(
        delivery,
        status=Status.PUBLISHED,
        last_error="",
        sent_at=timezone.now(),
        remote_id=sent.remote_id if sent else delivery.remote_id,
        remote_url=sent.url if sent else delivery.remote_url,
    )
    return Status.PUBLISHED


def _retry_later(delivery: Delivery, message: str, retry_after: float | None) -> str:
    if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        _finish(delivery, status=Status.FAILED, last_error=message)
        return Status.FAILED
    wait = backoff.delay(delivery.attempts, retry_after=retry_after)
    _finish(
        delivery,
        status=Status.QUEUED,
        last_error=message,
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
    )
    return Status.QUEUED


def retry(delivery: Delivery, *, by: Any) -> Delivery:
    """A person asks to try one failed channel again."""
    office = delivery.office
    roles = (Role.AGENT, Role.ADMIN) if delivery.message_id else (Role.APPROVER, Role.ADMIN)
    require_role(by, office, *roles)
    if not Delivery.objects.filter(pk=delivery.pk, status__in=RETRYABLE).update(
        status=Status.QUEUED, next_attempt_at=timezone.now(), attempts=0
    ):
        raise LifecycleError(_("Only a failed delivery can be retried."))
    delivery.refresh_from_db()
    record(
        delivery.subject,
        "delivery_retried",
        by=by,
        office=office,
        message=f"{delivery.channel} ({delivery.action})",
    )
    tasks.send_deliveries([delivery.pk])
    return delivery


def confirm_manual(delivery: Delivery, *, by: Any, url: str = "") -> Delivery:
    """An editor says they posted the prepared text by hand (e.g. on Xing)."""
    require_role(by, delivery.office, Role.EDITOR, Role.APPROVER, Role.ADMIN)
    if url and (web_url(url) != url or len(url) > channels.URL_CHARS):
        # Shown as a link on the post's page: http(s) only, as every link from outside.
        raise LifecycleError(_("The link must start with https://."))
    if not Delivery.objects.filter(pk=delivery.pk, status=Status.MANUAL).update(
        status=Status.PUBLISHED, sent_at=timezone.now(), remote_url=url, updated_at=timezone.now()
    ):
        raise LifecycleError(_("Only a delivery waiting to be posted by hand can be confirmed."))
    delivery.refresh_from_db()
    record(
        delivery.subject,
        "delivery_confirmed",
        by=by,
        office=delivery.office,
        message=f"{delivery.channel} {url}".strip(),
    )
    return delivery


def requeue_stale(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=Status.QUEUED, next_attempt_at=now, last_error="worker stopped while sending"
    )


def send_due(now: datetime | None = None, limit: int = 500) -> int:
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if send(pk) is not None)
