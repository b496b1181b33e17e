"""Expired or revoked X access: a token X refuses (401) stops the account until an admin
connects it again; the admins are told by mail and nothing is posted."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery


def test_a_refused_token_needs_reauthorisation(connect_account, fake, office_admin, publish_post):
    office_admin.email = "admin@mitte.example"
    office_admin.save()
    account = connect_account("x", api_base=fake.url, details={"username": "ba_mitte"})
    fake.expire("access-token-1")

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    delivery = Delivery.objects.get(channel=account.channel_key)
    account.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert "401" in delivery.last_error
    assert account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "401" in account.problem
    assert fake.posts_of("1") == []
    assert [m.to for m in mail.outbox] == [["admin@mitte.example"]]


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
