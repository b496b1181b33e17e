"""What Telegram refuses for good (400) fails with Telegram's own words and is not retried (a 400: the contract)."""

from rathaus.delivery.models import Delivery


def test_a_bot_without_the_right_to_post_fails_with_telegrams_words(
    connected_account, telegram, publish_post
):
    telegram.set_rights(can_post_messages=False)

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert "need administrator rights in the channel chat" in delivery.last_error.lower()
