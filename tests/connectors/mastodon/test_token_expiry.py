"""A token Mastodon no longer accepts (expired, revoked, or without write access) stops the
account: the delivery waits as "needs re-authorisation", the account is marked and the
office's admins are told."""

from django.core import mail

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery


def test_an_expired_token_needs_the_account_connected_again(
    connected_account, fake, office_admin, publish_post
):
    office_admin.email = "it@mitte.example"
    office_admin.save()
    fake.expire()

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    connected_account.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert "The access token expired" in delivery.last_error
    assert connected_account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "The access token expired" in connected_account.problem
    [message] = mail.outbox
    assert message.to == ["it@mitte.example"]
    assert "The access token expired" in message.body
    assert fake.posted() == []


def test_a_token_without_write_access_needs_a_new_token(connected_account, fake, publish_post):
    fake.fail_next(
        403, body={"error": "This action is outside the authorized scopes"}, path=r"/statuses$"
    )

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    connected_account.refresh_from_db()
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "needs_reauth"
    assert connected_account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "outside the authorized scopes" in connected_account.problem
