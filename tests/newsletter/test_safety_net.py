"""The safety net is the job engine's minutely tick: batches whose task was lost are sent
by it; a row a dead worker had handed to the mail server is marked failed once its lease
ran out and never sent again, since its mail may already have left (nobody gets a
newsletter twice), while the rows it had claimed but not reached go out after all."""

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
        handed_over_at=timezone.now(),  # its mail went to the mail server, or nearly
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        runner.tick()
    stuck.refresh_from_db()
    assert stuck.status == Send.Status.FAILED
    assert "leser0@example.org" not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 2


def test_rows_a_dead_worker_claimed_but_never_reached_go_out_after_all(queued_mailing):
    from rathaus.jobs import engine

    claimed = engine.claim(SEND)  # a worker takes the first rows, and dies before mailing
    assert len(claimed) == 3
    runner.tick()  # its lease still holds: nobody else takes them
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + SEND.policy.lease + timedelta(seconds=1)):
        runner.tick()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "leser0@example.org",
        "leser1@example.org",
        "leser2@example.org",
    ]
    assert set(Send.objects.values_list("status", flat=True)) == {Send.Status.SENT}


def test_a_worker_whose_rows_were_taken_over_sends_none_of_them(queued_mailing, monkeypatch):
    """A worker so slow that its lease ran out and another took its rows: it hands over
    nothing it no longer holds (the other worker sends those)."""
    from rathaus.newsletter import composing

    real = composing.issue

    def slow(mailing, send, *args, **kwargs):
        # Meanwhile the sweep requeued the rest and another worker claimed them.
        Send.objects.exclude(pk=send.pk).update(lease_token="other-worker")
        return real(mailing, send, *args, **kwargs)

    monkeypatch.setattr(composing, "issue", slow)
    runner.run(SEND)
    assert [m.to[0] for m in mail.outbox] == ["leser0@example.org"]
    others = Send.objects.exclude(subscriber__email="leser0@example.org")
    assert set(others.values_list("status", "lease_token", "handed_over_at")) == {
        (Send.Status.RUNNING, "other-worker", None)
    }
