"""A post as a newsletter: one Mailing per post, one Send row per recipient, and the
recipients in batches of NEWSLETTER_BATCH_SIZE, one background run per batch.

The recipients are fixed when the mailing is queued (confirmed subscribers of the post's
category then). The rows are work of the job engine (``background``: kind
``newsletter.send``), which mails each at most once; this module makes them, hands their
batches to the workers and says on the desk how far they got.
"""

from __future__ import annotations

import math
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.delivery.models import Delivery
from rathaus.jobs import runner
from rathaus.newsletter import composing
from rathaus.newsletter.background import SEND
from rathaus.newsletter.models import Mailing, Send, Subscriber, category_filter

SendStatus = Send.Status
BULK = 1000


def recipients(office_id: int, category: str):
    return Subscriber.objects.filter(
        office_id=office_id, status=Subscriber.Status.CONFIRMED
    ).filter(category_filter(category))


def queue(delivery: Delivery) -> Mailing:
    """The post's mailing, made with its send rows on the first call; the batches that
    still have queued rows are handed to the workers after commit (again on a retry)."""
    post = delivery.post
    with transaction.atomic():
        mailing, created = Mailing.objects.get_or_create(
            post=post, defaults={**composing.snapshot(post), "delivery": delivery}
        )
        if created:
            _add_recipients(mailing, post.category)
        mailing_id = mailing.pk
        transaction.on_commit(lambda: hand_out(mailing_id))
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


def hand_out(mailing_id: int) -> int:
    """Wake one run per batch that has queued rows, with the ids of those rows (a batch
    handed out twice mails nobody twice: each row is claimed once). Returns the batches."""
    queued = Send.objects.filter(mailing_id=mailing_id, status=SendStatus.QUEUED)
    batches: dict[int, list[int]] = defaultdict(list)
    for batch, pk in queued.order_by("pk").values_list("batch", "pk"):
        batches[batch].append(pk)
    for batch in sorted(batches):
        runner.wake(SEND, ids=batches[batch])
    return len(batches)


def counts(mailing: Mailing) -> dict[str, int]:
    return mailing.sends.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=SendStatus.SENT)),
        waiting=Count("pk", filter=Q(status__in=(SendStatus.QUEUED, SendStatus.RUNNING))),
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
