"""A post goes to the channel as one plain-text message, with a link to it."""

import pytest

from rathaus.delivery.models import Delivery
from tests.fakes.server import serving
from tests.fakes.telegram import CHANNEL, FIRST_CHANNEL, FakeTelegram

telegram = serving(FakeTelegram)


@pytest.fixture
def account(connect_account, telegram):
    return connect_account("telegram", api_base=telegram.url, **telegram.connection_values())


def test_it_posts_the_text_to_the_channel(account, telegram, publish_post):
    post = publish_post(title="Sperrung Turmstraße", body="Die *Turmstraße* ist gesperrt.")

    delivery = Delivery.objects.get(post=post, channel=account.channel_key)
    [message] = telegram.posts()
    assert delivery.status == "published"
    assert message["text"].startswith("Sperrung Turmstraße\n\nDie Turmstraße ist gesperrt.")
    assert message["text"].endswith(post.office.public_url(post.get_absolute_url()))
    assert delivery.remote_id == f"{FIRST_CHANNEL}:{message['message_id']}"
    assert delivery.remote_url == f"https://t.me/{CHANNEL}/{message['message_id']}"


def test_it_sends_plain_text_without_parse_mode(account, telegram, publish_post):
    publish_post(title="Markt", body="Der Markt <b>öffnet</b> um 8 Uhr.")

    [call] = telegram.calls("POST", r"/sendMessage$")
    fields = call.form()
    assert "parse_mode" not in fields and "link_preview_options" not in fields
    assert fields["chat_id"] == [str(FIRST_CHANNEL)]
    assert call.path == f"/bot{account.access_token}/sendMessage"
