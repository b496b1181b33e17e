"""Telegram's flood control (429 with parameters.retry_after): the delivery waits at least
that long, then goes out (parameters.retry_after: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery


def test_a_flood_wait_named_only_in_the_description_is_honoured(
    connected_account, telegram, publish_post
):
    # A 429 without parameters still says how long, in words.
    telegram.refuse(429, "Too Many Requests: retry after 90", path=r"/sendMessage$")
    before = timezone.now()

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert delivery.next_attempt_at >= before + timedelta(seconds=90)
