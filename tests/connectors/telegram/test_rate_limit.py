"""Telegram's flood control (429 with parameters.retry_after): the delivery waits at least
that long, then goes out."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery


def test_a_flood_wait_is_honoured_then_the_post_goes_out(
    connected_account, telegram, publish_post, send_all
):
    telegram.flood(600, path=r"/sendMessage$")
    before = timezone.now()

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert delivery.next_attempt_at >= before + timedelta(seconds=600)
    assert delivery.last_error == "Telegram: too many requests, retry after 600 s"
    assert telegram.posts() == []
    assert send_all()[connected_account.channel_key] == "published"
    assert len(telegram.posts()) == 1


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
