"""RSS 2.0 and Atom feeds, read back by a real feed parser."""

from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from rathaus.offices.models import Membership, Role
from rathaus.posts import lifecycle
from rathaus.posts.models import Category, Post

HOUR = timedelta(hours=1)


@pytest.fixture
def notice(publish_post):
    return publish_post(
        title="Bekanntmachung Bebauungsplan",
        body="Der Plan liegt **aus**.",
        category="notice",
        tags=["Bauen"],
    )


def _parse(client, name, *args):
    response = client.get(reverse(f"newsroom:{name}", args=args))
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("name", ["rss", "atom"])
def test_it_lists_public_posts_with_links_and_dates(client, office, published, notice, name):
    _, feed = _parse(client, name, office.slug)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == office.name
    titles = [entry.title for entry in feed.entries]
    assert titles == [notice.title, published.title]
    entry = feed.entries[0]
    assert entry.link == f"https://presse.mitte.example{notice.get_absolute_url()}"
    assert entry.published_parsed[:6] == notice.published_at.utctimetuple()[:6]
    if name == "atom":  # RSS 2.0 has no element for it
        assert entry.updated_parsed[:6] == notice.published_at.utctimetuple()[:6]
    assert "<strong>aus</strong>" in (entry.get("summary") or entry.content[0].value)
    terms = {tag.term for tag in entry.tags}
    with translation.override("de"):
        assert {str(Category.NOTICE.label), "Bauen"} <= terms


@pytest.mark.parametrize("name", ["rss", "atom"])
def test_it_uses_the_request_host_without_a_public_base_url(
    client, other_office, name, django_capture_on_commit_callbacks
):
    users = get_user_model().objects
    writer = users.create_user("nils.nord")
    checker = users.create_user("nina.nord")
    Membership.objects.create(user=writer, office=other_office, role=Role.EDITOR)
    Membership.objects.create(user=checker, office=other_office, role=Role.APPROVER)
    post = lifecycle.create_draft(other_office, by=writer, title="Nord", body="Text.")
    lifecycle.submit(post, by=writer)
    lifecycle.approve(post, by=checker)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=checker)
    _, feed = _parse(client, name, other_office.slug)
    assert feed.entries[0].link == f"http://testserver{post.get_absolute_url()}"


@pytest.mark.parametrize("name", ["category-rss", "category-atom"])
def test_it_has_a_feed_per_category(client, office, published, notice, name):
    _, feed = _parse(client, name, office.slug, "notice")
    assert [entry.title for entry in feed.entries] == [notice.title]


@pytest.mark.parametrize("name", ["rss", "atom"])
def test_it_drops_withdrawn_posts(client, office, published, notice, approver, name):
    lifecycle.withdraw(notice, by=approver, reason="Falscher Plan.")
    _, feed = _parse(client, name, office.slug)
    assert [entry.title for entry in feed.entries] == [published.title]


def test_it_shows_the_correction_date_as_updated(client, office, published, approver):
    lifecycle.correct(published, by=approver, note="Datum berichtigt.", body="Am Dienstag.")
    Post.objects.filter(pk=published.pk).update(corrected_at=published.published_at + HOUR)
    published.refresh_from_db()
    _, feed = _parse(client, "atom", office.slug)
    entry = feed.entries[0]
    assert entry.updated_parsed[:6] == published.corrected_at.utctimetuple()[:6]
    assert entry.published_parsed[:6] == published.published_at.utctimetuple()[:6]
    assert "Am Dienstag." in entry.summary


def test_it_leaves_out_drafts(client, office, draft):
    _, feed = _parse(client, "rss", office.slug)
    assert feed.entries == []


def test_it_answers_404_for_an_unknown_category_feed(client, office):
    response = client.get(reverse("newsroom:category-rss", args=[office.slug, "gossip"]))
    assert response.status_code == 404
