"""X's rate limits: a 429 waits until the window X names in x-rate-limit-reset (an epoch)
and then publishes; X's rate-limit headers on other answers make nobody wait (Retry-After: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery


def test_a_429_waits_for_the_rate_limit_reset_then_publishes(
    connected_account, fake, publish_post, send_all
):
    fake.rate_limited(600, path=r"^/2/tweets$")
    before = timezone.now()

    publish_post(title="Wahlhelfer gesucht", body="Melden Sie sich im Bürgeramt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert delivery.next_attempt_at >= before + timedelta(seconds=590)
    assert "429" in delivery.last_error
    assert fake.posts_of("1") == []

    assert send_all()[connected_account.channel_key] == "published"
    assert len(fake.posts_of("1")) == 1
