"""Only public posts appear: drafts, posts in review and scheduled posts are not there,
another office's post is not reachable under this office, a withdrawn one is gone (410)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.posts import lifecycle


def _url(post, office_slug=None, slug=None):
    return reverse(
        "newsroom:post", args=[office_slug or post.office.slug, post.pk, slug or post.slug]
    )


@pytest.fixture
def in_review(office, editor):
    post = lifecycle.create_draft(office, by=editor, title="Noch in Prüfung", body="Geheim.")
    return lifecycle.submit(post, by=editor)


@pytest.fixture
def scheduled(office, editor, approver):
    post = lifecycle.create_draft(
        office,
        by=editor,
        title="Erst morgen öffentlich",
        body="Vorab.",
        publish_at=timezone.now() + timedelta(days=1),
    )
    lifecycle.submit(post, by=editor)
    return lifecycle.approve(post, by=approver)


def test_it_hides_drafts_reviews_and_scheduled_posts(client, office, draft, in_review, scheduled):
    assert scheduled.status == "scheduled"
    for post in (draft, in_review, scheduled):
        assert client.get(_url(post)).status_code == 404
    index = client.get(reverse("newsroom:index", args=[office.slug])).text
    for post in (draft, in_review, scheduled):
        assert post.title not in index


def test_it_answers_404_for_a_post_under_another_office(client, published, other_office):
    response = client.get(_url(published, office_slug=other_office.slug))
    assert response.status_code == 404


def test_it_redirects_a_wrong_slug_to_the_canonical_url(client, published):
    response = client.get(_url(published, slug="alter-titel"))
    assert response.status_code == 301
    assert response["Location"] == published.get_absolute_url()


def test_it_answers_410_with_the_reason_for_a_withdrawn_post(client, office, published, approver):
    lifecycle.withdraw(published, by=approver, reason="Termin entfällt wegen Sturmschäden.")
    response = client.get(_url(published))
    assert response.status_code == 410
    assert "Termin entfällt wegen Sturmschäden." in response.text
    assert published.body_html not in response.text
    index = client.get(reverse("newsroom:index", args=[office.slug])).text
    assert published.title not in index


def test_it_says_410_even_under_an_old_slug(client, published, approver):
    lifecycle.withdraw(published, by=approver, reason="Falsch.")
    assert client.get(_url(published, slug="anders")).status_code == 410
