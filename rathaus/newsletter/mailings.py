"""Sending a post as a newsletter: one Mailing per post, one Send row per recipient, and the
recipients in batches of NEWSLETTER_BATCH_SIZE, one background task per batch.

The recipients are fixed when the mailing is queued (confirmed subscribers of the post's
category then). Each Send row is claimed with a conditional UPDATE (queued → sending) just
before its mail goes out, so a batch task that runs twice, or two workers on one batch,
never mail anyone twice. A row found in "sending" by the clean-up belongs to a worker that
died while sending: it is marked failed, never sent again, since the mail may have left.

A mail server that cannot be reached, or puts a recipient off (4xx), puts the row back in
the queue and the batch is tried again after RETRY_SECONDS; after MAX_ATTEMPTS the row
fails. A recipient the server refuses for good (5xx) counts as a hard bounce.

A mail that cannot be made at all (any other error: a header Django refuses, a template
that fails) would fail the same way for every recipient, so the mailing stops: the row and
every queued row fail with the message, which the desk shows with the progress. Before,
such an error left the row "sending" and the rest queued, and nobody got the mailing.
"""

from __future__ import annotations

import logging
import math
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.delivery.models import Delivery
from rathaus.newsletter import bounces, composing
from rathaus.newsletter.models import Mailing, NewsletterSettings, Send, Subscriber, category_filter

log = logging.getLogger(__name__)
SendStatus = Send.Status
TIMEOUT = 30  # seconds; Django's SMTP backend would otherwise wait for ever
RETRY_SECONDS = 300
MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=15)
BULK = 1000
# What became of one row in a batch.
SENT, SKIPPED, PUT_OFF = "sent", "skipped", "put off"


class _ServerTrouble(Exception):
    """The mail server cannot take mail now: stop the batch, try it again later."""


class _Broken(Exception):
    """The mail cannot be made: stop the whole mailing and say why."""


def recipients(office_id: int, category: str):
    return Subscriber.objects.filter(
        office_id=office_id, status=Subscriber.Status.CONFIRMED
    ).filter(category_filter(category))


def queue(delivery: Delivery) -> Mailing:
    """The post's mailing, made with its send rows on the first call; the batches that
    still have queued rows are handed to the task queue after commit (again on a retry)."""
    post = delivery.post
    with transaction.atomic():
        mailing, created = Mailing.objects.get_or_create(
            post=post, defaults={**composing.snapshot(post), "delivery": delivery}
        )
        if created:
            _add_recipients(mailing, post.category)
        batches = waiting_batches(mailing)
        mailing_id = mailing.pk
        transaction.on_commit(lambda: enqueue(mailing_id, batches))
    return mailing


def _add_recipients(mailing: Mailing, category: str) -> None:
    size = settings.NEWSLETTER_BATCH_SIZE
    ids = list(recipients(mailing.office_id, category).order_by("pk").values_list("pk", flat=True))
    rows = [
        Send(mailing=mailing, subscriber_id=pk, batch=index // size) for index, pk in enumerate(ids)
    ]
    Send.objects.bulk_create(rows, batch_size=BULK)
    mailing.recipients, mailing.batches = len(ids), math.ceil(len(ids) / size)
    mailing.save(update_fields=["recipients", "batches"])


def waiting_batches(mailing: Mailing) -> list[int]:
    queued = Send.objects.filter(mailing=mailing, status=SendStatus.QUEUED)
    return sorted(set(queued.values_list("batch", flat=True)))


def enqueue(mailing_id: int, batches: list[int]) -> None:
    from rathaus.newsletter import tasks

    for batch in batches:
        tasks.send_batch(mailing_id, batch)


def send_batch(mailing_id: int, batch: int) -> int:
    """Send the queued rows of one batch; returns how many mails went out."""
    mailing = Mailing.objects.select_related("office", "post").filter(pk=mailing_id).first()
    if mailing is None:
        return 0
    newsletter = NewsletterSettings.objects.filter(office_id=mailing.office_id).first()
    if not mailing.post.is_public or newsletter is None:
        Send.objects.filter(mailing=mailing, status=SendStatus.QUEUED).update(
            status=SendStatus.CANCELLED,
            error=_("The post was withdrawn, or the newsletter removed.")[:300],
        )
        return 0
    rows = list(
        Send.objects.filter(mailing=mailing, batch=batch, status=SendStatus.QUEUED)
        .select_related("subscriber")
        .order_by("pk")
    )
    if not rows:
        return 0
    newsletter.office = mailing.office
    from_ = composing.sender(newsletter)
    outcomes = []
    try:
        with get_connection(timeout=TIMEOUT) as connection:
            for send in rows:
                outcomes.append(_send_one(mailing, newsletter, send, connection, from_))
    except (_ServerTrouble, smtplib.SMTPException, OSError) as error:
        log.warning("newsletter %s batch %s stopped: %s", mailing_id, batch, error)
        outcomes.append(PUT_OFF)
    except _Broken as error:
        log.error("newsletter %s stopped: %s", mailing_id, error, exc_info=error.__cause__)
        _stop(mailing, str(error))
        return outcomes.count(SENT)
    if PUT_OFF in outcomes:
        _retry_later(mailing_id, batch)
    return outcomes.count(SENT)


def _stop(mailing: Mailing, reason: str) -> None:
    reason = reason[:300]
    Mailing.objects.filter(pk=mailing.pk).update(error=reason)
    Send.objects.filter(mailing=mailing, status=SendStatus.QUEUED).update(
        status=SendStatus.FAILED, error=reason
    )


def _retry_later(mailing_id: int, batch: int) -> None:
    from rathaus.newsletter import tasks

    tasks.send_batch.schedule((mailing_id, batch), delay=RETRY_SECONDS)


def _claim(send: Send) -> bool:
    """Only the worker whose update changed the row sends it."""
    won = Send.objects.filter(pk=send.pk, status=SendStatus.QUEUED).update(
        status=SendStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    send.attempts += 1
    return bool(won)


def _finish(send: Send, status: str, **fields) -> None:
    Send.objects.filter(pk=send.pk, status=SendStatus.SENDING).update(status=status, **fields)


def _put_off(send: Send, reason: str) -> str:
    if send.attempts >= MAX_ATTEMPTS:
        _finish(send, SendStatus.FAILED, error=reason[:300])
        return SKIPPED
    _finish(send, SendStatus.QUEUED, error=reason[:300])
    return PUT_OFF


def _send_one(
    mailing: Mailing, newsletter: NewsletterSettings, send: Send, connection, from_: tuple
) -> str:
    """Send one row read at the start of the batch; a subscriber who left since is seen at
    the latest by the next batch."""
    if not _claim(send):
        return SKIPPED
    subscriber = send.subscriber
    if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
        _finish(send, SendStatus.CANCELLED, error=_("Unsubscribed before it was sent.")[:300])
        return SKIPPED
    subscriber.office = mailing.office  # the same office: spares a query per mail
    try:
        composing.issue(mailing, send, newsletter, connection, from_).send()
    except smtplib.SMTPRecipientsRefused as error:
        reason = _refusal(error)
        if all(code >= 500 for code, _text in error.recipients.values()):
            _finish(send, SendStatus.FAILED, error=reason[:300])
            bounces.record(send, subscriber, Send.Bounce.HARD)
            return SKIPPED
        return _put_off(send, reason)
    except (smtplib.SMTPException, OSError) as error:
        _put_off(send, str(error) or type(error).__name__)
        raise _ServerTrouble(str(error)) from error
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
        _finish(send, SendStatus.FAILED, error=reason[:300])
        raise _Broken(reason) from error
    _finish(send, SendStatus.SENT, sent_at=timezone.now(), error="")
    return SENT


def _refusal(error: smtplib.SMTPRecipientsRefused) -> str:
    # The server's words without the address: the row outlives the subscriber.
    parts = []
    for code, text in error.recipients.values():
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        parts.append(f"{code} {text}")
    return "; ".join(parts)


def clean_up(now: datetime | None = None) -> int:
    """Safety net: rows a dead worker left in "sending" fail (never twice); batches whose
    task was lost are handed out again. Returns the number of batches handed out."""
    now = now or timezone.now()
    Send.objects.filter(status=SendStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=SendStatus.FAILED,
        error=_("The worker stopped while sending; not sent again, so nobody gets it twice."),
    )
    waiting = (
        Send.objects.filter(status=SendStatus.QUEUED, mailing__created_at__lt=now - STALE_AFTER)
        .values_list("mailing_id", "batch")
        .distinct()
    )
    found = sorted(set(waiting))
    for mailing_id, batch in found:
        enqueue(mailing_id, [batch])
    return len(found)


def counts(mailing: Mailing) -> dict[str, int]:
    return mailing.sends.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=SendStatus.SENT)),
        waiting=Count("pk", filter=Q(status__in=(SendStatus.QUEUED, SendStatus.SENDING))),
        failed=Count("pk", filter=Q(status=SendStatus.FAILED)),
        cancelled=Count("pk", filter=Q(status=SendStatus.CANCELLED)),
        bounced=Count("pk", filter=~Q(bounce="")),
    )


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def progress(mailing: Mailing) -> str:
    """E.g. "sent to 1,234 of 1,300 subscribers · 3 bounced", for the desk."""
    found = counts(mailing)
    shown = {key: _number(value) for key, value in found.items()}
    parts = [
        ngettext(
            "sent to %(sent)s of %(total)s subscriber",
            "sent to %(sent)s of %(total)s subscribers",
            found["total"],
        )
        % shown
    ]
    if found["waiting"]:
        parts.append(_("%(waiting)s waiting") % shown)
    if found["bounced"]:
        parts.append(_("%(bounced)s bounced") % shown)
    if found["failed"]:
        parts.append(_("%(failed)s failed") % shown)
    if found["cancelled"]:
        parts.append(_("%(cancelled)s not sent (unsubscribed or withdrawn)") % shown)
    if mailing.error:
        parts.append(_("The mailing stopped: %(error)s") % {"error": mailing.error})
    return " · ".join(parts)
