"""WebFinger: how a Mastodon search for @presse@rathaus.example finds the actor."""

import pytest

from rathaus.federation.models import Account

# What Mastodon's WebfingerService sends.
JRD = {"HTTP_ACCEPT": "application/jrd+json, application/json"}


pytestmark = pytest.mark.usefixtures("federation_domain")


@pytest.fixture
def account(office):
    return Account.objects.create(office=office, username="presse", display_name="Pressestelle")


def finger(client, resource):
    return client.get("/.well-known/webfinger", {"resource": resource}, **JRD)


def test_an_account_is_found_by_its_handle(client, account):
    response = finger(client, "acct:presse@rathaus.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jrd+json"
    jrd = response.json()
    assert jrd["subject"] == "acct:presse@rathaus.example"
    assert "https://rathaus.example/ap/presse" in jrd["aliases"]
    links = {link["rel"]: link for link in jrd["links"]}
    assert links["self"] == {
        "rel": "self",
        "type": "application/activity+json",
        "href": "https://rathaus.example/ap/presse",
    }
    profile = links["http://webfinger.net/rel/profile-page"]
    assert profile["href"] == "https://presse.mitte.example/mitte/"


def test_the_handle_is_case_insensitive_and_the_actor_url_works_too(client, account):
    assert finger(client, "acct:Presse@Rathaus.Example").status_code == 200
    by_url = finger(client, "https://rathaus.example/ap/presse")
    assert by_url.status_code == 200
    assert by_url.json()["subject"] == "acct:presse@rathaus.example"


def test_an_unknown_user_is_not_found(client, account):
    assert finger(client, "acct:niemand@rathaus.example").status_code == 404


def test_a_user_on_another_domain_is_not_found(client, account):
    assert finger(client, "acct:presse@mastodon.social").status_code == 404
    assert finger(client, "https://mastodon.social/ap/presse").status_code == 404


@pytest.mark.parametrize("resource", ["", "acct:presse", "presse", "acct:@rathaus.example"])
def test_a_malformed_resource_is_a_bad_request(client, account, resource):
    assert finger(client, resource).status_code == 400


def test_a_missing_resource_is_a_bad_request(client, account):
    assert client.get("/.well-known/webfinger", **JRD).status_code == 400
