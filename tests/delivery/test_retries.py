"""Temporary errors are retried with growing pauses; permanent ones and expired credentials
are not; a person can retry one failed channel."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rathaus.delivery import channels, sending
from rathaus.delivery.background import SEND
from rathaus.delivery.models import Delivery
from rathaus.jobs import engine
from rathaus.lib import backoff
from rathaus.posts import lifecycle


@pytest.fixture
def delivery(published, scripted_channel):
    """The scripted channel joined after publication: queue its delivery by hand."""
    from rathaus.delivery import outbox

    outbox.enqueue(published, outbox.Action.PUBLISH)
    return Delivery.objects.get(post=published, channel="scripted")


def test_backoff_grows_exponentially_and_is_capped():
    waits = [backoff.delay(n, jitter=0) for n in range(1, 6)]
    assert waits == [30, 60, 120, 240, 480]
    assert backoff.delay(40, jitter=0) == 6 * 3600


def test_backoff_never_comes_back_before_retry_after():
    assert backoff.delay(1, jitter=0, retry_after=900) == 900


def test_backoff_jitter_stays_within_its_band():
    for _ in range(50):
        assert 27 <= backoff.delay(1) <= 33


def test_a_temporary_error_is_retried_later(delivery, scripted_channel):
    scripted_channel.outcomes = [channels.TemporaryError("503 Service Unavailable")]
    before = timezone.now()
    assert sending.send(delivery.pk) == Delivery.Status.QUEUED
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error == "503 Service Unavailable"
    assert delivery.next_attempt_at >= before + timedelta(seconds=27)
    assert sending.send(delivery.pk) is None  # not due yet: nobody may send it now
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        assert sending.send(delivery.pk) == Delivery.Status.PUBLISHED
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.remote_id.startswith("remote-")


def test_retry_after_from_the_platform_is_honoured(delivery, scripted_channel):
    scripted_channel.outcomes = [channels.TemporaryError("429", retry_after=3600)]
    sending.send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=3590)


def test_a_permanent_error_fails_at_once(delivery, scripted_channel):
    scripted_channel.outcomes = [channels.PermanentError("Text too long for platform")]
    assert sending.send(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.last_error == "Text too long for platform" and delivery.attempts == 1


def test_expired_credentials_stop_and_ask_for_reauthorisation(delivery, scripted_channel):
    scripted_channel.outcomes = [channels.NeedsReauthorisation("token expired")]
    assert sending.send(delivery.pk) == Delivery.Status.NEEDS_REAUTH


def test_it_gives_up_after_the_maximum_attempts(delivery, scripted_channel, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    scripted_channel.outcomes = [channels.TemporaryError("timeout")] * 3
    for _ in range(3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        status = sending.send(delivery.pk)
    assert status == Delivery.Status.FAILED
    assert len(scripted_channel.calls) == 3


def test_an_unexpected_exception_is_retried_and_recorded(delivery, scripted_channel):
    scripted_channel.outcomes = [ZeroDivisionError("bug")]
    assert sending.send(delivery.pk) == Delivery.Status.QUEUED
    delivery.refresh_from_db()
    assert "ZeroDivisionError" in delivery.last_error


def test_a_person_can_retry_one_failed_channel(delivery, scripted_channel, approver):
    scripted_channel.outcomes = [channels.PermanentError("rejected")]
    sending.send(delivery.pk)
    sending.retry(Delivery.objects.get(pk=delivery.pk), by=approver)  # tasks run immediately
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PUBLISHED
    newsroom = Delivery.objects.get(post=delivery.post, channel="newsroom")
    assert newsroom.attempts == 1  # the channel that worked is left alone


def test_an_editor_cannot_retry(delivery, scripted_channel, editor):
    scripted_channel.outcomes = [channels.PermanentError("rejected")]
    sending.send(delivery.pk)
    with pytest.raises(lifecycle.LifecycleError):
        sending.retry(delivery, by=editor)


@pytest.mark.usefixtures("english_messages")
def test_only_a_failed_delivery_can_be_retried(delivery, approver):
    sending.send(delivery.pk)
    with pytest.raises(lifecycle.LifecycleError, match="failed"):
        sending.retry(Delivery.objects.get(pk=delivery.pk), by=approver)


def test_a_delivery_left_by_a_dead_worker_is_requeued(delivery):
    assert engine.claim(SEND, ids=[delivery.pk]) != []
    assert engine.sweep(SEND) == 0
    later = timezone.now() + SEND.policy.lease + timedelta(seconds=1)
    assert engine.sweep(SEND, now=later) == 1
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.QUEUED


def test_a_withdrawn_post_is_not_sent_late(delivery, scripted_channel, approver):
    lifecycle.withdraw(delivery.post, by=approver, reason="Falsche Adresse")
    assert sending.send(delivery.pk) == Delivery.Status.FAILED
    assert scripted_channel.calls == []


def test_a_bug_inside_a_channel_is_retried_with_its_message_not_an_unknown_channel(
    delivery, scripted_channel, caplog
):
    """A KeyError raised inside the channel is the channel's bug, not a missing channel: the
    delivery is retried with the message, and the traceback is logged."""
    scripted_channel.outcomes = [KeyError("remote_id")]
    with caplog.at_level("ERROR", logger="rathaus.delivery.background"):
        assert sending.send(delivery.pk) == Delivery.Status.QUEUED
    delivery.refresh_from_db()
    assert delivery.last_error == "KeyError: 'remote_id'"
    assert "unknown channel" not in delivery.last_error
    [record] = [r for r in caplog.records if r.name == "rathaus.delivery.background"]
    assert record.exc_info and record.exc_info[0] is KeyError
    assert str(delivery.pk) in record.getMessage()


def test_an_unknown_channel_fails_with_its_own_message(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(channel="nowhere:7")
    assert sending.send(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.last_error == "unknown channel nowhere:7"


def test_the_engines_tick_sends_what_a_lost_wake_up_left(delivery, scripted_channel):
    from rathaus.jobs import runner

    assert "delivery.send" in runner.tick()
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.PUBLISHED
    assert scripted_channel.calls == [("publish", delivery.post_id)]
