"""Sending deliveries on the job engine: the kind ``delivery.send``, its policy and its
handler, which calls the delivery's channel and says what became of it.

Each outcome is recorded as soon as its channel answered (``settle_each``): a worker that
dies after a post went out leaves only that one delivery to be sent again, not its batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rathaus.delivery import channels, failure_notices
from rathaus.delivery.models import Delivery, load_subjects
from rathaus.jobs import engine

log = logging.getLogger(__name__)
# What a delivery ends in when its channel gave up: someone has to look at it.
GIVEN_UP = (Delivery.Status.FAILED, Delivery.Status.NEEDS_REAUTH)


def send(delivery: Delivery) -> engine.Outcome:
    """Call the delivery's channel once; the outcome says what to record."""
    try:
        channel = channels.get(delivery.channel)
    except KeyError:
        # Only the lookup: a KeyError raised inside a channel is that channel's bug.
        return engine.fail(delivery, f"unknown channel {delivery.channel}")
    if channels.by_hand(channel, delivery):
        return engine.done(delivery, Delivery.Status.MANUAL)
    try:
        sent = channels.run(channel, delivery)
    except channels.TemporaryError as error:
        return engine.retry(delivery, str(error), retry_after=error.retry_after)
    except channels.NeedsReauthorisation as error:
        return engine.fail(delivery, str(error), Delivery.Status.NEEDS_REAUTH)
    except channels.PermanentError as error:
        return engine.fail(delivery, str(error))
    except Exception as error:  # a bug or an unforeseen failure: retry, but say what it was
        log.exception("delivery %s failed unexpectedly", delivery.pk)
        return engine.retry(delivery, f"{type(error).__name__}: {error}")
    return engine.done(
        delivery,
        Delivery.Status.PUBLISHED,
        sent_at=timezone.now(),
        remote_id=sent.remote_id if sent else delivery.remote_id,
        remote_url=sent.url if sent else delivery.remote_url,
    )


def handle(deliveries: list[Delivery]) -> Iterator[engine.Outcome]:
    load_subjects(deliveries)
    for delivery in deliveries:
        outcome = send(delivery)
        outcome.fields["updated_at"] = timezone.now()  # an UPDATE skips auto_now
        yield outcome
        # Settled by now (settle_each): ``final`` says whether this attempt was the last.
        if outcome.final in GIVEN_UP:
            _tell(delivery, outcome.error)


def given_up_by_sweep(deliveries: list[Delivery]) -> None:
    """Deliveries whose worker died during their last attempt: the sweep failed them with
    its message; stamped and told about as a failure the channel reported would be."""
    Delivery.objects.filter(
        pk__in=[delivery.pk for delivery in deliveries], status=Delivery.Status.FAILED
    ).update(updated_at=timezone.now())  # as ``handle`` writes it: an UPDATE skips auto_now
    load_subjects(deliveries)
    for delivery in deliveries:
        _tell(delivery, delivery.last_error)


def _tell(delivery: Delivery, error: str) -> None:
    try:
        failure_notices.tell(delivery, error=error)
    except Exception:  # the failure is recorded; a lost notice must not retry it
        log.exception("could not tell anyone that delivery %s failed", delivery.pk)


SEND = engine.register(
    engine.Kind(
        "delivery.send",
        model=Delivery,
        policy=engine.Policy(
            max_attempts=lambda: settings.DELIVERY_MAX_ATTEMPTS,
            # 30 s, 1 min, 2 min … capped at 6 h, with jitter; a platform's Retry-After wins.
            backoff=engine.doubling(30),
            # A row claimed this long ago belongs to a worker that died: it goes again.
            lease=timedelta(minutes=10),
            on_expiry=engine.REQUEUE,
            # Read later by people (the delivery panel, the failure notice): in the house language.
            expiry_message=gettext_lazy("The worker stopped while sending."),
            # Few per claim: each may wait on a slow platform, and other workers take the rest.
            batch=25,
        ),
        handle=handle,
        settle_each=True,
        on_given_up=given_up_by_sweep,
    )
)
