"""search_posts finds an office's public posts by the words of title and body, on SQLite
(FTS5) and PostgreSQL (GIN), and never fails on what a visitor types."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from rathaus.newsroom.search import search_posts
from rathaus.offices.models import Membership, Role
from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.hostile_queries import SEARCH_SYNTAX

HOSTILE = [
    *SEARCH_SYNTAX,
    "title:Linden",
    "{title body}: Linden",
    "'; DROP TABLE posts_post; --",
]


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    def _publish(office, editor, approver, title, body, **fields):
        post = lifecycle.create_draft(office, by=editor, title=title, body=body, **fields)
        lifecycle.submit(post, by=editor)
        lifecycle.approve(post, by=approver)
        with django_capture_on_commit_callbacks(execute=True):
            return lifecycle.publish(post, by=approver)

    return _publish


@pytest.fixture
def nord_people(other_office):
    users = get_user_model().objects
    writer, checker = users.create_user("nils.nord"), users.create_user("nina.nord")
    Membership.objects.create(user=writer, office=other_office, role=Role.EDITOR)
    Membership.objects.create(user=checker, office=other_office, role=Role.APPROVER)
    return writer, checker


def test_it_runs_on_the_expected_backend():
    assert connection.vendor in ("sqlite", "postgresql")


def test_it_finds_by_title_and_body_words(office, editor, approver, publish):
    by_title = publish(office, editor, approver, "Sperrung der Kastanienstraße", "Ab Montag.")
    by_body = publish(office, editor, approver, "Verkehrshinweis", "Die Kastanienstraße ist zu.")
    publish(office, editor, approver, "Sprechzeiten", "Neue Öffnungszeiten.")
    found = list(search_posts(office, "Kastanienstraße"))
    # Both, the one with the word in its title first although it is older (test_ranking).
    assert found == [by_title, by_body]
    assert [p.title for p in search_posts(office, "öffnungszeiten")] == ["Sprechzeiten"]


def test_it_needs_every_word(office, editor, approver, publish):
    both = publish(office, editor, approver, "Radweg Lindenallee", "Der Radweg wird breiter.")
    publish(office, editor, approver, "Radweg Nordring", "Asphalt wird erneuert.")
    assert list(search_posts(office, "Radweg Lindenallee")) == [both]


def test_it_ignores_other_offices_and_unpublished_posts(
    office, other_office, editor, approver, publish, nord_people, draft
):
    mine = publish(office, editor, approver, "Linden im Park", "Gepflanzt.")
    publish(other_office, *nord_people, "Linden am Hafen", "Auch gepflanzt.")
    withdrawn = publish(office, editor, approver, "Linden am Markt", "Doch nicht.")
    lifecycle.withdraw(withdrawn, by=approver, reason="Irrtum.")
    assert "Linden" in draft.title
    assert list(search_posts(office, "Linden")) == [mine]


def test_it_follows_corrections(office, editor, approver, publish):
    post = publish(office, editor, approver, "Sommerfest", "Am Samstag im Hof.")
    lifecycle.correct(post, by=approver, note="Ort geändert.", body="Am Samstag im Garten.")
    assert list(search_posts(office, "Garten")) == [post]
    assert list(search_posts(office, "Hof")) == []


def test_it_forgets_deleted_posts(office, editor, approver, publish):
    post = publish(office, editor, approver, "Laubsammlung", "Im November.")
    Post.objects.filter(pk=post.pk).delete()
    assert list(search_posts(office, "Laubsammlung")) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_it_survives_hostile_queries(office, editor, approver, publish, query):
    publish(office, editor, approver, "Linden am Montag", "Fällung der Linden.")
    results = list(search_posts(office, query))
    assert all(post.office_id == office.pk for post in results)


@pytest.mark.parametrize("query", HOSTILE)
def test_the_search_page_survives_hostile_queries(client, office, query):
    response = client.get(reverse("newsroom:search", args=[office.slug]), {"q": query})
    assert response.status_code == 200


def test_the_search_page_shows_results(client, office, editor, approver, publish):
    post = publish(office, editor, approver, "Wahlhelfer gesucht", "Melden Sie sich.")
    response = client.get(reverse("newsroom:search", args=[office.slug]), {"q": "Wahlhelfer"})
    assert post.get_absolute_url() in response.text
    assert 'value="Wahlhelfer"' in response.text
