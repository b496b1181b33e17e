"""A revoked bot token (401) or a bot taken out of its channel (403) stops the account
until an admin connects it again; the delivery waits as "needs re-authorisation" (a revoked token: the contract)."""

from rathaus.delivery.models import Delivery


def test_a_bot_removed_from_the_channel_needs_reauthorisation(
    connected_account, telegram, publish_post
):
    telegram.remove_bot()

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    connected_account.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert connected_account.status == "needs_reauth"
    assert "bot is not a member of the channel chat" in delivery.last_error
    assert "add it again as administrator" in connected_account.problem
    assert telegram.posts() == []
