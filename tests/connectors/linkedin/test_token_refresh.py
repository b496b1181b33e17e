"""Apps LinkedIn gives refresh tokens renew the 60-day access token before it expires
(grant_type=refresh_token, client id and secret in the form); a refused refresh token means
the page must be connected again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from tests.fakes.linkedin import CLIENT, ORGANIZATION, TOKEN, LinkedInFake


@pytest.fixture
def fake(settings):
    settings.CONNECTOR_OAUTH_APPS = {**settings.CONNECTOR_OAUTH_APPS, "linkedin": CLIENT}
    with LinkedInFake() as server:
        yield server


@pytest.fixture
def expiring(fake, connect_account):
    fake.refresh_tokens["li-refresh-1"] = [ORGANIZATION]
    return connect_account(
        "linkedin",
        api_base=fake.url,
        remote_id=ORGANIZATION,
        access_token=TOKEN,
        refresh_token="li-refresh-1",
        token_expires_at=timezone.now() + timedelta(minutes=2),
    )


def test_it_refreshes_the_token_and_posts_with_the_new_one(fake, expiring, publish_post):
    post = publish_post(title="Laub", body="Die Laubsäcke werden abgeholt.")

    [refresh] = fake.calls("POST", r"^/oauth/v2/accessToken$")
    [created] = fake.calls("POST", r"^/rest/posts$")
    expiring.refresh_from_db()
    assert refresh.form() == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["li-refresh-1"],
        "client_id": [CLIENT[0]],
        "client_secret": [CLIENT[1]],
    }
    assert expiring.access_token != TOKEN
    assert created.bearer == expiring.access_token
    assert expiring.refresh_token == "li-refresh-1"
    assert expiring.token_expires_at > timezone.now() + timedelta(days=59)
    assert (
        Delivery.objects.get(post=post, channel=expiring.channel_key).status
        == Delivery.Status.PUBLISHED
    )


def test_a_refused_refresh_token_needs_reauthorisation(fake, expiring, publish_post):
    fake.refresh_tokens.clear()
    post = publish_post(title="Laub", body="Laubsäcke gibt es im Bürgeramt.")

    expiring.refresh_from_db()
    assert (
        Delivery.objects.get(post=post, channel=expiring.channel_key).status
        == Delivery.Status.NEEDS_REAUTH
    )
    assert expiring.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "invalid, expired or revoked" in expiring.problem
    assert fake.live_posts() == []
