"""What Telegram refuses for good (400) fails with Telegram's own words and is not retried."""

import pytest

from rathaus.delivery.models import Delivery
from tests.fakes.server import serving
from tests.fakes.telegram import FakeTelegram

telegram = serving(FakeTelegram)


@pytest.fixture
def account(connect_account, telegram):
    return connect_account("telegram", api_base=telegram.url, **telegram.connection_values())


def test_a_refused_post_fails_with_telegrams_description(account, telegram, publish_post):
    telegram.refuse(400, "Bad Request: chat not found", path=r"/sendMessage$")

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=account.channel_key)
    account.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == "Telegram: Chat not found"
    assert delivery.attempts == 1
    assert account.status == "active"


def test_a_bot_without_the_right_to_post_fails_with_telegrams_words(
    account, telegram, publish_post
):
    telegram.set_rights(can_post_messages=False)

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=account.channel_key)
    assert delivery.status == "failed"
    assert "need administrator rights in the channel chat" in delivery.last_error.lower()
