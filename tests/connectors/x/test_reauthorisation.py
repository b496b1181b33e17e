"""Expired or revoked X access: a token X refuses (401) stops the account until an admin
connects it again; the admins are told by mail and nothing is posted (a refused token: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery


def test_an_expired_token_without_refresh_token_is_not_even_tried(
    connect_account, fake, publish_post
):
    account = connect_account(
        "x",
        api_base=fake.url,
        token_expires_at=timezone.now() - timedelta(minutes=1),
        details={"username": "ba_mitte"},
    )

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    account.refresh_from_db()
    assert Delivery.objects.get(channel=account.channel_key).status == "needs_reauth"
    assert account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert fake.calls("POST", r"^/2/tweets$") == []
