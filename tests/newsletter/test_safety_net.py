"""The safety net is the job engine's minutely tick: batches whose task was lost are sent
by it; a row a dead worker left claimed ("running") is marked failed once its lease ran
out and never sent again, since its mail may already have left (nobody gets a newsletter
twice)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage

from rathaus.jobs import runner
from rathaus.newsletter.background import SEND
from rathaus.newsletter.models import NewsletterSettings, Send, Subscriber


@pytest.fixture
def queued_mailing(
    transactional_db, office, settings, publish_post, django_capture_on_commit_callbacks
):
    """A mailing to three subscribers in two batches whose tasks were lost (committed for
    real: the worker closes its connection after each task, see test_newsletter_batches)."""
    settings.NEWSLETTER_BATCH_SIZE = 2
    NewsletterSettings.objects.create(office=office, enabled=True)
    for number in range(3):
        Subscriber.objects.create(
            office=office, email=f"leser{number}@example.org", status=Subscriber.Status.CONFIRMED
        )
    HUEY.immediate = False
    HUEY.storage = MemoryStorage(HUEY.name)
    try:
        publish_post(title="Sperrmüll", body="Freitag.", category="service")
        with django_capture_on_commit_callbacks(execute=True):
            HUEY.execute(HUEY.dequeue())  # the delivery queues the mailing
        while HUEY.dequeue() is not None:  # ... and its batch tasks are lost
            pass
    finally:
        HUEY.immediate = True
    assert mail.outbox == []


def test_lost_batches_are_handed_out_again(queued_mailing):
    assert SEND.name in runner.tick()
    # A second tick (or a batch task that turns up after all) mails nobody twice.
    assert SEND.name not in runner.tick()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "leser0@example.org",
        "leser1@example.org",
        "leser2@example.org",
    ]


def test_a_row_left_in_sending_is_never_sent_again(queued_mailing):
    stuck = Send.objects.get(subscriber__email="leser0@example.org")
    Send.objects.filter(pk=stuck.pk).update(
        status=Send.Status.RUNNING,
        lease_until=timezone.now() + SEND.policy.lease,
        lease_token="dead-worker",
        attempts=1,
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        runner.tick()
    stuck.refresh_from_db()
    assert stuck.status == Send.Status.FAILED
    assert "leser0@example.org" not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 2
