"""LinkedIn's 429: the delivery waits at least as long as a Retry-After asks (LinkedIn
usually sends none: then the usual backoff), and is published on the next attempt (with Retry-After: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery

THROTTLED = {
    "status": 429,
    "serviceErrorCode": 101,
    "code": "TOO_MANY_REQUESTS",
    "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
}


def test_without_retry_after_it_backs_off_and_tries_again(
    fake, connected_account, publish_post, send_all
):
    fake.fail_next(429, body=THROTTLED, path=r"^/rest/posts$")
    post = publish_post(title="Wahl", body="Die Briefwahl endet am Freitag.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)

    assert send_all()[connected_account.channel_key] == Delivery.Status.PUBLISHED
    assert len(fake.live_posts()) == 1
