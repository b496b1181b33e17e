"""A 429 from Mastodon puts the delivery back in the queue until the server lets us in
again, from Retry-After or, as Mastodon sends it, the X-RateLimit-Reset date. The client
never sleeps through the limit inside a worker (Retry-After: the contract)."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery

TOO_MANY = {"error": "Too many requests"}


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
