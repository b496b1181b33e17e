"""A cached newsroom page is answered before sessions, auth and the views run, and looks
exactly like the page the full path renders."""

from django.urls import reverse

HEADERS = (
    "Content-Type",
    "Cache-Control",
    "ETag",
    "Vary",
    "Content-Language",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


def test_a_hit_is_the_same_page_with_the_same_headers(client, published, django_assert_num_queries):
    url = reverse("newsroom:index", args=[published.office.slug])
    miss = client.get(url)
    with django_assert_num_queries(0):  # the office version is remembered for a second
        hit = client.get(url)
    assert hit.status_code == miss.status_code == 200
    # Answered before AuthenticationMiddleware: the request never got a user.
    assert hasattr(miss.wsgi_request, "user") and not hasattr(hit.wsgi_request, "user")
    assert hit.content == miss.content
    for header in HEADERS:
        assert hit.headers.get(header) == miss.headers.get(header), header
    assert "Set-Cookie" not in hit.headers


def test_a_hit_answers_a_conditional_request_with_304(client, published):
    url = published.get_absolute_url()
    etag = client.get(url).headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_a_hit_is_per_language(client, published):
    url = reverse("newsroom:index", args=[published.office.slug])
    german = client.get(url, headers={"Accept-Language": "en"})  # the address decides
    client.get(f"/en{url}")
    english = client.get(f"/en{url}")
    assert german.headers["Content-Language"] == "de"
    assert english.headers["Content-Language"] == "en"
    assert german.content != english.content


def test_the_desk_is_never_answered_from_the_page_cache(client, published, editor):
    from tests.helpers import log_in

    log_in(client, editor)
    first = client.get(reverse("desk:dashboard", args=[published.office.slug]))
    assert first.status_code == 200 and "public" not in first.headers.get("Cache-Control", "")


def test_a_publication_in_this_process_is_seen_at_once(client, published, approver):
    from rathaus.posts import lifecycle

    url = published.get_absolute_url()
    assert client.get(url).status_code == 200
    lifecycle.withdraw(published, by=approver, reason="Termin entfällt")
    assert client.get(url).status_code == 410


def test_another_process_sees_a_publication_within_a_second(client, published, monkeypatch):
    import time

    from rathaus.newsroom import caching
    from rathaus.offices.models import Office

    url = reverse("newsroom:index", args=[published.office.slug])
    before = client.get(url)
    # Another process bumped the version: this one has not been told.
    Office.objects.filter(pk=published.office_id).update(content_version=99)
    Office.objects.filter(pk=published.office_id).update(tagline="Neu: Bürgerdialog")
    assert client.get(url).content == before.content
    later = time.monotonic() + caching.VERSION_SECONDS + 0.5
    monkeypatch.setattr(caching.time, "monotonic", lambda: later)
    assert "Neu: Bürgerdialog" in client.get(url).text
