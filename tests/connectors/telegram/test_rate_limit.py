"""Telegram's flood control (429 with parameters.retry_after): the delivery waits at least
that long, then goes out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.delivery.models import Delivery
from tests.fakes.server import serving
from tests.fakes.telegram import FakeTelegram

telegram = serving(FakeTelegram)


@pytest.fixture
def account(connect_account, telegram):
    return connect_account("telegram", api_base=telegram.url, **telegram.connection_values())


def test_a_flood_wait_is_honoured_then_the_post_goes_out(account, telegram, publish_post, send_all):
    telegram.flood(600, path=r"/sendMessage$")
    before = timezone.now()

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=account.channel_key)
    assert delivery.status == "queued"
    assert delivery.next_attempt_at >= before + timedelta(seconds=600)
    assert delivery.last_error == "Telegram: too many requests, retry after 600 s"
    assert telegram.posts() == []
    assert send_all()[account.channel_key] == "published"
    assert len(telegram.posts()) == 1


def test_a_flood_wait_named_only_in_the_description_is_honoured(account, telegram, publish_post):
    # A 429 without parameters still says how long, in words.
    telegram.refuse(429, "Too Many Requests: retry after 90", path=r"/sendMessage$")
    before = timezone.now()

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=account.channel_key)
    assert delivery.status == "queued"
    assert delivery.next_attempt_at >= before + timedelta(seconds=90)
