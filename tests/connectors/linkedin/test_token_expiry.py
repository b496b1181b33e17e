"""An expired or revoked LinkedIn token stops the account: the delivery waits as "needs
re-authorisation", the account is marked, and the office's admins are told."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from tests.fakes.linkedin import ORGANIZATION, TOKEN


def test_an_expired_token_marks_delivery_and_account(
    fake, connect_account, office_admin, publish_post
):
    office_admin.email = "otto@mitte.example"
    office_admin.save()
    account = connect_account(
        "linkedin", api_base=fake.url, remote_id=ORGANIZATION, access_token=TOKEN
    )
    fake.tokens[TOKEN].expires_at = 0
    post = publish_post(title="Hochwasser", body="Der Pegel steigt.")

    delivery = Delivery.objects.get(post=post, channel=account.channel_key)
    account.refresh_from_db()
    assert delivery.status == Delivery.Status.NEEDS_REAUTH
    assert "The token used in the request has expired" in delivery.last_error
    assert account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "EXPIRED_ACCESS_TOKEN" in account.problem
    assert [m.to for m in mail.outbox] == [["otto@mitte.example"]]
    assert fake.live_posts() == []


def test_a_revoked_token_needs_reauthorisation_too(fake, connect_account, publish_post):
    account = connect_account(
        "linkedin", api_base=fake.url, remote_id=ORGANIZATION, access_token=TOKEN
    )
    fake.tokens[TOKEN].revoked = True
    post = publish_post(title="Hochwasser", body="Sandsäcke am Bauhof.")

    assert (
        Delivery.objects.get(post=post, channel=account.channel_key).status
        == Delivery.Status.NEEDS_REAUTH
    )
    account.refresh_from_db()
    assert "REVOKED_ACCESS_TOKEN" in account.problem


def test_a_token_past_its_expiry_without_refresh_token_is_not_even_tried(
    fake, connect_account, publish_post
):
    account = connect_account(
        "linkedin",
        api_base=fake.url,
        remote_id=ORGANIZATION,
        access_token=TOKEN,
        token_expires_at=timezone.now() - timedelta(hours=1),
    )
    post = publish_post(title="Hochwasser", body="Die Uferstraße ist gesperrt.")

    assert (
        Delivery.objects.get(post=post, channel=account.channel_key).status
        == Delivery.Status.NEEDS_REAUTH
    )
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert not [r for r in fake.requests if r.path.startswith("/rest/")]
