"""A 5xx from X or a lost connection is tried again after a short backoff (X's rate-limit
window on the answer is no reason to wait) and then publishes once."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery


def test_a_server_error_is_retried_then_published(connected_account, fake, publish_post, send_all):
    fake.fail_tweet_number(1, status=503)
    before = timezone.now()

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "503" in delivery.last_error
    # Backoff (30 s and jitter), not the 15 minutes of the x-rate-limit-reset header.
    assert delivery.next_attempt_at < before + timedelta(seconds=60)

    assert send_all()[connected_account.channel_key] == "published"
    assert len(fake.posts_of("1")) == 1


def test_an_unreachable_server_is_a_temporary_failure(connected_account, fake, publish_post):
    fake.stop()

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert delivery.last_error.startswith("network:")
