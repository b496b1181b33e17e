"""An expired or revoked LinkedIn token stops the account: the delivery waits as "needs
re-authorisation", the account is marked, and the office's admins are told (an expired token: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from tests.fakes.linkedin import ORGANIZATION, TOKEN


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
