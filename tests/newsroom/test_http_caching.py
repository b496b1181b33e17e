"""Browsers and proxies may keep pages; the server keeps them too, until a publication."""

from django.test import override_settings
from django.urls import reverse

from rathaus.posts import lifecycle


def test_it_sends_cache_headers(client, office, published):
    response = client.get(reverse("newsroom:index", args=[office.slug]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")


@override_settings(PAGE_CACHE_SECONDS=300)
def test_it_follows_the_configured_max_age(client, office):
    response = client.get(reverse("newsroom:index", args=[office.slug]))
    assert response["Cache-Control"] == "public, max-age=300"


def test_it_answers_304_to_a_matching_etag(client, published):
    first = client.get(published.get_absolute_url())
    second = client.get(published.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert second.status_code == 304
    assert second.content == b""
    assert second["ETag"] == first["ETag"]


def test_it_answers_304_to_if_modified_since(client, published):
    first = client.get(published.get_absolute_url())
    second = client.get(
        published.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]}
    )
    assert second.status_code == 304


def test_it_answers_200_to_a_stale_etag(client, published):
    response = client.get(published.get_absolute_url(), headers={"if-none-match": '"old"'})
    assert response.status_code == 200


def test_it_serves_the_cached_page_without_a_query(
    client, office, published, django_assert_num_queries
):
    url = reverse("newsroom:index", args=[office.slug])
    client.get(url)
    with django_assert_num_queries(0):  # page and office version both remembered
        response = client.get(url)
    assert published.title in response.text


def test_it_refreshes_the_cached_page_after_a_publication(
    client, office, editor, approver, published, django_capture_on_commit_callbacks
):
    url = reverse("newsroom:index", args=[office.slug])
    before = client.get(url)
    assert published.title in before.text
    post = lifecycle.create_draft(office, by=editor, title="Neue Sprechzeiten", body="Ab Mai.")
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    assert "Neue Sprechzeiten" not in client.get(url).text  # still cached, and unpublished
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Neue Sprechzeiten" in after.text


def test_it_drops_a_withdrawn_post_from_the_cached_index(client, office, published, approver):
    url = reverse("newsroom:index", args=[office.slug])
    assert published.title in client.get(url).text
    lifecycle.withdraw(published, by=approver, reason="Irrtum.")
    assert published.title not in client.get(url).text


def test_it_keeps_offices_apart_in_the_cache(client, office, other_office, published):
    mine = client.get(reverse("newsroom:index", args=[office.slug]))
    theirs = client.get(reverse("newsroom:index", args=[other_office.slug]))
    assert published.title in mine.text
    assert published.title not in theirs.text
