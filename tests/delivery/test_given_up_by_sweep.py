"""A delivery whose worker died during its last attempt ends as a failure the channel
reported would: failed on the post's page, and the approver who published is told."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.delivery import outbox
from rathaus.delivery.background import SEND
from rathaus.delivery.models import Delivery
from rathaus.jobs import engine
from rathaus.notifications.models import Notification


@pytest.fixture
def delivery(published, scripted_channel):
    outbox.enqueue(published, outbox.Action.PUBLISH)
    return Delivery.objects.get(post=published, channel="scripted")


def die_during_attempt(delivery: Delivery) -> None:
    """A worker claims the delivery and is never heard of again."""
    assert [row.pk for row in engine.claim(SEND, ids=[delivery.pk])] == [delivery.pk]


def test_a_delivery_whose_worker_died_on_the_last_attempt_fails_and_tells_the_publisher(
    delivery, approver, editor, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    Delivery.objects.filter(pk=delivery.pk).update(attempts=1)
    die_during_attempt(delivery)
    before = timezone.now()

    assert engine.sweep(SEND, now=before + SEND.policy.lease + timedelta(seconds=1)) == 1

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.can_retry
    assert delivery.last_error == "Der Worker wurde beim Senden beendet."
    assert delivery.updated_at >= before
    [notice] = Notification.objects.filter(kind=Notification.Kind.DELIVERY_FAILED)
    assert notice.user == approver
    assert "Baumfällung in der Lindenallee" in notice.text and "Scripted" in notice.text
    assert "Der Worker wurde beim Senden beendet." in notice.text
    assert notice.url == reverse(
        "desk:post_detail", args=[delivery.post.office.slug, delivery.post.pk]
    )
    assert not Notification.objects.filter(user=editor, kind=notice.kind).exists()


def test_a_delivery_with_attempts_left_goes_again_and_tells_nobody(delivery, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    die_during_attempt(delivery)
    later = timezone.now() + SEND.policy.lease + timedelta(seconds=1)
    assert engine.sweep(SEND, now=later) == 1
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.QUEUED
    assert not Notification.objects.filter(kind=Notification.Kind.DELIVERY_FAILED).exists()
