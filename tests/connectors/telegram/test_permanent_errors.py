"""What Telegram refuses for good (400) fails with Telegram's own words and is not retried."""

from rathaus.delivery.models import Delivery


def test_a_refused_post_fails_with_telegrams_description(connected_account, telegram, publish_post):
    telegram.refuse(400, "Bad Request: chat not found", path=r"/sendMessage$")

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    connected_account.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == "Telegram: Chat not found"
    assert delivery.attempts == 1
    assert connected_account.status == "active"


def test_a_bot_without_the_right_to_post_fails_with_telegrams_words(
    connected_account, telegram, publish_post
):
    telegram.set_rights(can_post_messages=False)

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert "need administrator rights in the channel chat" in delivery.last_error.lower()
