"""Sending deliveries: one at once (``send``), every due one (``send_due``), and the steps a
person takes on one (``retry``, ``confirm_manual``). Claiming, retrying with backoff and
rescuing rows of a dead worker are the job engine's (kind ``delivery.send`` in
``background``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.delivery import channels, outbox
from rathaus.delivery.background import SEND
from rathaus.delivery.models import RETRYABLE, Delivery
from rathaus.jobs import engine, runner
from rathaus.lib.weburls import web_url
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Role


def send(delivery_id: int) -> str | None:
    """Send one delivery if it is due and nobody else is sending it; returns the new status."""
    outcomes = runner.run(SEND, ids=[delivery_id])
    return outcomes[0].final if outcomes else None


def send_due(now: datetime | None = None) -> int:
    """Send every due delivery (until the engine's time budget is used); returns how many."""
    return len(runner.run(SEND, now=now))


def retry(delivery: Delivery, *, by: Any) -> Delivery:
    """A person asks to try one failed channel again."""
    office = delivery.office
    roles = (Role.AGENT, Role.ADMIN) if delivery.message_id else (Role.APPROVER, Role.ADMIN)
    require_role(by, office, *roles)
    if not engine.requeue(Delivery.objects.filter(pk=delivery.pk, status__in=RETRYABLE)):
        raise LifecycleError(_("Only a failed delivery can be retried."))
    delivery.refresh_from_db()
    record(
        delivery.audit_subject,
        "delivery_retried",
        by=by,
        office=office,
        message=f"{delivery.channel} ({delivery.action})",
    )
    outbox.wake([delivery.pk])
    return delivery


def confirm_manual(delivery: Delivery, *, by: Any, url: str = "") -> Delivery:
    """An editor says they posted the prepared text by hand (e.g. on Xing)."""
    require_role(by, delivery.office, Role.EDITOR, Role.APPROVER, Role.ADMIN)
    if url and (web_url(url) != url or len(url) > channels.URL_CHARS):
        # Shown as a link on the post's page: http(s) only, as every link from outside.
        raise LifecycleError(_("The link must start with https://."))
    if not Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.MANUAL).update(
        status=Delivery.Status.PUBLISHED,
        sent_at=timezone.now(),
        remote_url=url,
        updated_at=timezone.now(),
    ):
        raise LifecycleError(_("Only a delivery waiting to be posted by hand can be confirmed."))
    delivery.refresh_from_db()
    record(
        delivery.audit_subject,
        "delivery_confirmed",
        by=by,
        office=delivery.office,
        message=f"{delivery.channel} {url}".strip(),
    )
    return delivery
