"""A 429 from Mastodon puts the delivery back in the queue until the server lets us in
again, from Retry-After or, as Mastodon sends it, the X-RateLimit-Reset date. The client
never sleeps through the limit inside a worker."""

import time
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery

TOO_MANY = {"error": "Too many requests"}


def test_a_429_with_retry_after_waits_at_least_that_long(
    connected_account, fake, publish_post, send_all
):
    fake.fail_next(429, headers={"Retry-After": "600"}, body=TOO_MANY, path=r"/statuses$")
    started = time.monotonic()

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert time.monotonic() - started < 10  # thrown, not slept through
    assert delivery.status == "queued"
    assert "rate limit" in delivery.last_error
    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=590)
    assert fake.posted() == []

    send_all()

    delivery.refresh_from_db()
    assert delivery.status == "published"
    assert len(fake.posted()) == 1


def test_a_429_with_only_the_reset_date_waits_until_the_reset(
    connected_account, fake, publish_post
):
    reset = datetime.now(UTC) + timedelta(minutes=15)
    fake.fail_next(
        429,
        headers={"X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
        body=TOO_MANY,
        path=r"/statuses$",
    )

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert delivery.next_attempt_at >= timezone.now() + timedelta(minutes=14)
