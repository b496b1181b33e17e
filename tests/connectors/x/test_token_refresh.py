"""X's access tokens live two hours: before one expires, Rathaus renews it at X's token
endpoint with the refresh token and the office's X app (HTTP Basic). X rotates refresh
tokens, so the new one is kept; a refused refresh token means connecting again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from tests.fakes.x import CLIENT_ID, CLIENT_SECRET, FakeX


@pytest.fixture
def fake(settings):
    settings.CONNECTOR_OAUTH_APPS = {"x": (CLIENT_ID, CLIENT_SECRET)}
    with FakeX() as server:
        yield server


@pytest.fixture
def expiring(connect_account, fake):
    fake.expire("access-token-1")
    return connect_account(
        "x",
        api_base=fake.url,
        refresh_token=fake.issue_refresh_token("1"),
        token_expires_at=timezone.now() + timedelta(minutes=2),
        details={"username": "ba_mitte"},
    )


def test_it_renews_the_token_before_posting_and_keeps_the_rotated_refresh_token(
    expiring, fake, publish_post
):
    old_refresh = expiring.refresh_token

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    expiring.refresh_from_db()
    [token_call] = fake.calls("POST", r"^/2/oauth2/token$")
    [tweet_call] = fake.calls("POST", r"^/2/tweets$")
    assert token_call.form()["grant_type"] == ["refresh_token"]
    assert token_call.form()["refresh_token"] == [old_refresh]
    assert token_call.headers["authorization"].startswith("Basic ")
    assert Delivery.objects.get(channel=expiring.channel_key).status == "published"
    assert tweet_call.bearer == expiring.access_token != "access-token-1"
    assert expiring.refresh_token in fake.refresh_tokens
    assert expiring.refresh_token != old_refresh
    assert expiring.token_expires_at > timezone.now() + timedelta(minutes=110)


def test_a_refused_refresh_token_needs_reauthorisation(expiring, fake, publish_post):
    fake.refresh_tokens.clear()  # revoked at X

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    expiring.refresh_from_db()
    assert Delivery.objects.get(channel=expiring.channel_key).status == "needs_reauth"
    assert expiring.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "Value passed for the token was invalid." in expiring.problem
    assert fake.calls("POST", r"^/2/tweets$") == []


def test_without_an_x_app_the_token_cannot_be_renewed(expiring, fake, settings, publish_post):
    settings.CONNECTOR_OAUTH_APPS = {"x": ("", "")}

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    expiring.refresh_from_db()
    assert expiring.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert "RATHAUS_X_CLIENT_ID" in expiring.problem
    assert fake.calls("POST", r"^/2/oauth2/token$") == []
