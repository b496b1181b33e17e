"""Connecting a LinkedIn page: with a pasted access token (and optionally the organisation),
or through OAuth. The organisation must be one the token's member administers; a wrong
token or page is refused with LinkedIn's words and stores nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.connectors import accounts, oauth
from rathaus.connectors.models import ConnectedAccount
from rathaus.connectors.platforms.linkedin import LinkedInConnector
from rathaus.delivery.channels import DeliveryError
from tests.fakes.linkedin import CLIENT, ORGANIZATION, TOKEN

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages", "loopback_platforms")


def test_a_pasted_token_connects_the_page_it_administers(fake, office, office_admin):
    account = accounts.connect(
        office, "linkedin", {"access_token": TOKEN}, api_base=fake.url, by=office_admin
    )

    [acls] = fake.calls("GET", r"^/rest/organizationAcls$")
    assert acls.query == {"q": ["roleAssignee"], "role": ["ADMINISTRATOR"], "state": ["APPROVED"]}
    assert fake.calls("GET", r"^/rest/organizations/2414183$")
    assert account.remote_id == ORGANIZATION
    assert account.name == "Bezirksamt Musterstadt-Mitte"
    assert account.access_token == TOKEN
    assert account.details["vanity_name"] == "bezirksamt-musterstadt-mitte"
    # A pasted token is taken as new: LinkedIn's tokens last 60 days.
    assert account.token_expires_at <= timezone.now() + timedelta(days=60)
    assert account.token_expires_at > timezone.now() + timedelta(days=59)


@pytest.mark.parametrize(
    "named", ["2414183", ORGANIZATION, "https://www.linkedin.com/company/2414183/"]
)
def test_the_organisation_may_be_named(fake, office, office_admin, named):
    values = {"access_token": TOKEN, "organization": named}
    account = accounts.connect(office, "linkedin", values, api_base=fake.url, by=office_admin)

    assert account.remote_id == ORGANIZATION


def test_a_page_the_member_does_not_administer_is_refused(fake, office, office_admin):
    values = {"access_token": TOKEN, "organization": "urn:li:organization:999"}
    with pytest.raises(DeliveryError, match="no administrator of urn:li:organization:999"):
        accounts.connect(office, "linkedin", values, api_base=fake.url, by=office_admin)

    assert not ConnectedAccount.objects.exists()


def test_a_wrong_token_is_refused_with_linkedins_words(fake, office, office_admin):
    with pytest.raises(DeliveryError, match="Invalid access token"):
        accounts.connect(
            office, "linkedin", {"access_token": "nonsense"}, api_base=fake.url, by=office_admin
        )

    assert not ConnectedAccount.objects.exists()


def test_oauth_tokens_become_a_connection_with_expiry_and_refresh_token(fake, settings):
    settings.CONNECTOR_OAUTH_APPS = {**settings.CONNECTOR_OAUTH_APPS, "linkedin": CLIENT}
    settings.CONNECTOR_API_BASES = {**settings.CONNECTOR_API_BASES, "linkedin": fake.url}
    flow = {"platform": "linkedin", "verifier": "", "redirect_uri": "https://rathaus.example/cb"}

    connection = oauth.finish(flow, fake.issue_code())

    [exchange] = fake.calls("POST", r"^/oauth/v2/accessToken$")
    assert exchange.form()["client_secret"] == [CLIENT[1]]  # in the body, as LinkedIn wants
    assert "authorization" not in exchange.headers
    assert connection.remote_id == ORGANIZATION
    assert connection.name == "Bezirksamt Musterstadt-Mitte"
    assert connection.access_token in fake.tokens
    assert connection.refresh_token in fake.refresh_tokens
    assert connection.expires_at > timezone.now() + timedelta(days=59)
    assert "refresh_token_expires_at" in connection.details


def test_oauth_without_refresh_token_still_knows_the_expiry(fake):
    connection = LinkedInConnector.from_oauth(
        fake.url, {"access_token": TOKEN, "expires_in": 5184000}
    )

    assert connection.refresh_token == ""
    assert connection.expires_at > timezone.now() + timedelta(days=59)


def test_oauth_for_a_member_without_pages_is_refused_in_words(fake):
    fake.tokens["li-lonely"] = fake.tokens[TOKEN].__class__([])

    with pytest.raises(DeliveryError, match="administers no organisation page"):
        LinkedInConnector.from_oauth(fake.url, {"access_token": "li-lonely", "expires_in": 60})
