""" "So folgen Sie uns" on the newsroom's front page: the office's own Fediverse addresses
with a plain explanation, and its other channels' public profiles, gathered through
lib.follow_links from the channels that know them; nothing of another office."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rathaus.connectors.models import ConnectedAccount
from rathaus.federation.models import Account

# English by the address: newsroom pages do not follow Accept-Language (newsroom.caching).


def _front(client, office) -> str:
    text = client.get("/en" + reverse("newsroom:index", args=[office.slug])).text
    return text.split('<section class="follow"')[1].split("</section>")[0]


def _platform(office, platform, **fields):
    fields.setdefault("remote_id", "1")
    fields.setdefault("access_token", "t")
    return ConnectedAccount.objects.create(office=office, platform=platform, **fields)


def test_it_shows_the_offices_fediverse_address_and_how_to_follow(client, office, account):
    section = _front(client, office)
    assert "How to follow us" in section
    assert '<code class="follow-address">@presse@rathaus.example</code>' in section
    assert "Search for this address in your Mastodon app" in section
    assert 'href="/en/mitte/feed.rss"' in section and 'href="/en/mitte/termine.ics"' in section


def test_it_links_the_public_profiles_of_connected_platforms(client, office):
    _platform(office, "bluesky", name="Bezirksamt Mitte", details={"handle": "mitte.example"})
    _platform(office, "mastodon", name="@presse@social.example", remote_id="2")
    _platform(office, "x", name="Mitte", remote_id="3", details={"username": "BA_Mitte"})
    _platform(office, "linkedin", name="Mitte", remote_id="urn:li:organization:4")
    section = _front(client, office)
    links = re.findall(r'<a href="(https://[^"]+)" rel="noopener noreferrer">([^<]+)</a>', section)
    assert sorted(links) == [
        ("https://bsky.app/profile/mitte.example", "@mitte.example"),
        ("https://social.example/@presse", "@presse@social.example"),
        ("https://x.com/BA_Mitte", "@BA_Mitte"),
    ]
    assert "<img" not in section  # links only: nothing is loaded from the platforms


def test_an_account_that_needs_attention_or_belongs_elsewhere_is_not_shown(
    client, office, other_office
):
    _platform(
        office,
        "bluesky",
        name="alt",
        details={"handle": "alt.example"},
        status=ConnectedAccount.Status.NEEDS_REAUTH,
    )
    _platform(other_office, "bluesky", name="Nord", details={"handle": "nord.example"})
    Account.objects.create(office=other_office, username="nord", display_name="Nord")
    section = _front(client, office)
    assert "alt.example" not in section and "nord" not in section


@pytest.mark.parametrize(
    ("platform", "fields"),
    [
        ("mastodon", {"name": "kein-server"}),
        ("bluesky", {"name": "x", "details": {"handle": ""}}),
        ("x", {"name": "x", "details": {"username": '"><script>'}}),
    ],
)
def test_odd_account_data_gives_no_broken_link(client, office, platform, fields):
    _platform(office, platform, **fields)
    section = _front(client, office)
    assert "<script>" not in section
    for href in re.findall(r'href="([^"]+)"', section):
        assert href.startswith(("/", "https://x.com/%22%3E%3Cscript%3E")), href


def test_the_front_page_with_accounts_sets_no_cookie(client, office, account):
    _platform(office, "bluesky", name="b", details={"handle": "mitte.example"})
    response = client.get(reverse("newsroom:index", args=[office.slug]))
    assert response.status_code == 200 and not response.cookies
    assert "@presse@rathaus.example" in response.text
