"""A 429 from the PDS waits until its rate-limit window resets (ratelimit-reset, an epoch),
then the post goes out once (Retry-After: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery


def test_a_rate_limit_waits_for_the_reset_then_publishes(
    fake, connected_account, publish_post, send_all
):
    fake.rate_limit_next(seconds=900, path=r"createRecord$")
    before = timezone.now()

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert delivery.next_attempt_at >= before + timedelta(seconds=890)
    assert "RateLimitExceeded" in delivery.last_error
    assert not fake.posts()
    assert send_all()[connected_account.channel_key] == "published"
    assert len(fake.posts()) == 1
