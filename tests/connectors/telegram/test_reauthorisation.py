"""A revoked bot token (401) or a bot taken out of its channel (403) stops the account
until an admin connects it again; the delivery waits as "needs re-authorisation"."""

import pytest

from rathaus.delivery.models import Delivery
from tests.fakes.server import serving
from tests.fakes.telegram import FakeTelegram

telegram = serving(FakeTelegram)


@pytest.fixture
def account(connect_account, telegram):
    return connect_account("telegram", api_base=telegram.url, **telegram.connection_values())


def test_a_revoked_token_needs_reauthorisation(account, telegram, publish_post):
    telegram.bots.clear()  # the token was revoked at @BotFather: every call answers 401

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=account.channel_key)
    account.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert account.status == "needs_reauth"
    assert "bot token" in account.problem


def test_a_bot_removed_from_the_channel_needs_reauthorisation(account, telegram, publish_post):
    telegram.remove_bot()

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=account.channel_key)
    account.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert account.status == "needs_reauth"
    assert "bot is not a member of the channel chat" in delivery.last_error
    assert "add it again as administrator" in account.problem
    assert telegram.posts() == []
