"""A token Mastodon no longer accepts (expired, revoked, or without write access) stops the
account: the delivery waits as "needs re-authorisation", the account is marked and the
office's admins are told (an expired token: the contract)."""

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery


def test_a_token_without_write_access_needs_a_new_token(connected_account, fake, publish_post):
    fake.fail_next(
        403, body={"error": "This action is outside the authorized scopes"}, path=r"/statuses$"
    )

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    connected_account.refresh_from_db()
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "needs_reauth"
    assert connected_account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "outside the authorized scopes" in connected_account.problem
