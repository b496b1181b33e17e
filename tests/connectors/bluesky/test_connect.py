"""Connecting a Bluesky account with its handle and an app password, against the fake PDS."""

import pytest
from django.urls import reverse

from rathaus.connectors import accounts
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import DeliveryError
from tests.fakes.bluesky import ACCOUNT_PASSWORD, APP_PASSWORD, HANDLE, FakeBluesky
from tests.helpers import log_in

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages", "loopback_platforms")


def test_it_connects_with_handle_and_app_password(fake, office, office_admin):
    values = {"handle": f"@{HANDLE.upper()}", "app_password": APP_PASSWORD}

    account = accounts.connect(office, "bluesky", values, api_base=fake.url, by=office_admin)

    assert account.remote_id == fake.owner.did
    assert account.name == HANDLE
    assert account.details == {"handle": HANDLE}
    assert account.api_base == fake.url
    [login] = fake.calls("POST", r"createSession$")
    assert login.json() == {"identifier": HANDLE, "password": APP_PASSWORD}
    # The session's JWTs, usable at the PDS; the expiry is the refresh token's (90 days).
    assert fake.tokens[account.access_token].scope == "com.atproto.appPass"
    assert fake.tokens[account.refresh_token].exp == int(account.token_expires_at.timestamp())


def test_it_never_stores_the_app_password(fake, office, office_admin):
    values = {"handle": HANDLE, "app_password": APP_PASSWORD}

    account = accounts.connect(office, "bluesky", values, api_base=fake.url, by=office_admin)

    row = ConnectedAccount.objects.filter(pk=account.pk).values().get()
    assert APP_PASSWORD not in repr(row)
    assert APP_PASSWORD not in repr(account.access_token + account.refresh_token)


def test_a_wrong_password_is_refused_with_the_platforms_words(fake, office, office_admin):
    values = {"handle": HANDLE, "app_password": "wrong-wrong-wrong-wrong"}

    with pytest.raises(DeliveryError, match="Invalid identifier or password"):
        accounts.connect(office, "bluesky", values, api_base=fake.url, by=office_admin)

    assert not ConnectedAccount.objects.exists()


def test_the_accounts_own_password_is_refused_and_its_session_ended(fake, office, office_admin):
    values = {"handle": HANDLE, "app_password": ACCOUNT_PASSWORD}

    with pytest.raises(DeliveryError, match="app password"):
        accounts.connect(office, "bluesky", values, api_base=fake.url, by=office_admin)

    assert not ConnectedAccount.objects.exists()
    [ended] = fake.calls("POST", r"deleteSession$")
    assert fake.tokens[ended.bearer].revoked


def test_empty_values_are_refused_before_asking_the_platform(fake, office, office_admin):
    with pytest.raises(DeliveryError, match="handle"):
        accounts.connect(office, "bluesky", {"handle": " "}, api_base=fake.url, by=office_admin)

    assert not fake.requests
    assert not ConnectedAccount.objects.exists()


def test_an_unreachable_pds_stores_nothing(office, office_admin):
    with FakeBluesky() as gone:
        url = gone.url
    values = {"handle": HANDLE, "app_password": APP_PASSWORD}

    with pytest.raises(DeliveryError):
        accounts.connect(office, "bluesky", values, api_base=url, by=office_admin)

    assert not ConnectedAccount.objects.exists()


def test_the_desk_form_asks_for_the_server_and_connects(
    fake, client, office, office_admin, django_capture_on_commit_callbacks
):
    log_in(client, office_admin)
    url = reverse("desk:account_connect", args=[office.slug, "bluesky"])

    page = client.get(url).content.decode()
    assert 'value="https://bsky.social"' in page
    assert 'name="app_password"' in page and 'type="password"' in page
    values = {"api_base": fake.url, "handle": HANDLE, "app_password": APP_PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):  # the worker asks the server
        response = client.post(url, values)

    assert response.status_code == 303  # see the channels page, where the check shows
    account = ConnectedAccount.objects.get(office=office, platform="bluesky")
    assert (account.remote_id, account.api_base) == (fake.owner.did, fake.url)
