"""A token Mastodon no longer accepts (expired, revoked, or without write access) stops the
account: the delivery waits as "needs re-authorisation", the account is marked and the
office's admins are told."""

import pytest
from django.core import mail

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving

fake = serving(FakeMastodon)


@pytest.fixture
def mastodon(connect_account, fake):
    return connect_account("mastodon", api_base=fake.url, **fake.connection_values())


def test_an_expired_token_needs_the_account_connected_again(
    mastodon, fake, office_admin, publish_post
):
    office_admin.email = "it@mitte.example"
    office_admin.save()
    fake.expire()

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    delivery = Delivery.objects.get(channel=mastodon.channel_key)
    mastodon.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert "The access token expired" in delivery.last_error
    assert mastodon.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "The access token expired" in mastodon.problem
    [message] = mail.outbox
    assert message.to == ["it@mitte.example"]
    assert "The access token expired" in message.body
    assert fake.posted() == []


def test_a_token_without_write_access_needs_a_new_token(mastodon, fake, publish_post):
    fake.fail_next(
        403, body={"error": "This action is outside the authorized scopes"}, path=r"/statuses$"
    )

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    mastodon.refresh_from_db()
    assert Delivery.objects.get(channel=mastodon.channel_key).status == "needs_reauth"
    assert mastodon.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "outside the authorized scopes" in mastodon.problem
