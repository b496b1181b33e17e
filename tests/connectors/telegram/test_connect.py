"""Connecting a channel: the bot token and the channel are checked with getMe, getChat and
getChatMember (the bot must be an administrator who may post). A bad one stores nothing."""

import pytest

from rathaus.connectors import accounts
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import DeliveryError
from tests.fakes.telegram import FIRST_BOT, FIRST_CHANNEL, TOKEN

pytestmark = pytest.mark.usefixtures("loopback_platforms")


def connect(office, telegram, office_admin, **values):
    values = {**telegram.credentials(), **values}
    return accounts.connect(office, "telegram", values, api_base=telegram.url, by=office_admin)


def test_connecting_a_channel(office, telegram, office_admin):
    account = connect(office, telegram, office_admin)

    assert account.remote_id == str(FIRST_CHANNEL)
    assert account.name == "Bezirksamt Mitte"
    assert account.access_token == TOKEN
    assert account.token_expires_at is None  # bot tokens don't expire
    assert account.details == {
        "bot_id": FIRST_BOT,
        "bot_username": "rathaus_0_bot",
        "chat_username": "bezirksamt_mitte",
    }
    assert account.status == "active"
    paths = [r.path.rsplit("/", 1)[1] for r in telegram.requests]
    assert paths == ["getMe", "getChat", "getChatMember"]
    member = telegram.requests[2].form()
    assert member["chat_id"] == [str(FIRST_CHANNEL)] and member["user_id"] == [str(FIRST_BOT)]


@pytest.mark.parametrize(
    "channel", ["bezirksamt_mitte", "https://t.me/bezirksamt_mitte", str(FIRST_CHANNEL)]
)
def test_the_channel_may_be_named_in_several_ways(office, telegram, office_admin, channel):
    account = connect(office, telegram, office_admin, channel=channel)

    assert account.remote_id == str(FIRST_CHANNEL)


def test_a_wrong_token_is_refused_and_nothing_is_stored(office, telegram, office_admin):
    with pytest.raises(DeliveryError, match="does not know this bot token"):
        connect(office, telegram, office_admin, bot_token="123:wrong")

    assert not ConnectedAccount.objects.exists()


def test_an_unknown_channel_is_refused(office, telegram, office_admin):
    with pytest.raises(DeliveryError, match="Chat not found"):
        connect(office, telegram, office_admin, channel="@gibt_es_nicht")

    assert not ConnectedAccount.objects.exists()


def test_a_bot_that_may_not_post_is_refused(office, telegram, office_admin):
    telegram.set_rights(can_post_messages=False)

    with pytest.raises(DeliveryError, match="no administrator of this channel who may post"):
        connect(office, telegram, office_admin)

    assert not ConnectedAccount.objects.exists()


def test_a_bot_that_is_no_member_is_refused(office, telegram, office_admin):
    telegram.remove_bot()

    with pytest.raises(DeliveryError, match="no administrator"):
        connect(office, telegram, office_admin)

    assert not ConnectedAccount.objects.exists()


def test_a_group_is_no_channel(office, telegram, office_admin):
    group = telegram.group_message("Hallo")["chat"]

    with pytest.raises(DeliveryError, match="is a group, not a channel"):
        connect(office, telegram, office_admin, channel=str(group["id"]))


def test_one_bot_serves_one_channel(office, telegram, office_admin):
    connect(office, telegram, office_admin)
    other = telegram.connection_values(1)
    telegram.rights[(int(other["remote_id"]), FIRST_BOT)] = {"can_post_messages": True}

    with pytest.raises(DeliveryError, match="connected to another channel already"):
        connect(office, telegram, office_admin, channel=other["remote_id"])

    assert ConnectedAccount.objects.count() == 1


def test_connecting_again_updates_the_account(office, telegram, office_admin):
    first = connect(office, telegram, office_admin)

    again = connect(office, telegram, office_admin)

    assert again.pk == first.pk
