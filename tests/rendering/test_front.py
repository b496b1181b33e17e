"""The rendered pages answered in front of Django (rendering.front)."""

import io

import pytest
from django.db import connection
from django.utils import timezone

from rathaus.rendering import following
from rathaus.rendering.front import RenderedPages
from rathaus.rendering.models import RenderedPage
from rathaus.wsgi import django_application


class Call:
    """One WSGI call: status, headers and body as a reader gets them."""

    def __init__(self, app, path, *, method="GET", query="", host="presse.example", **extra):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": query,
            "SERVER_NAME": "presse.example",
            "SERVER_PORT": "443",
            "HTTP_HOST": host,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            **extra,
        }
        self.status, self.headers = "", {}

        def start_response(status, headers, exc_info=None):
            self.status, self.headers = status, dict(headers)

        body = app(environ, start_response)
        self.body = b"".join(body)
        getattr(body, "close", lambda: None)()

    @property
    def code(self) -> int:
        return int(self.status.split()[0])


class Django:
    """Django's application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.reached: list[str] = []

    def __call__(self, environ, start_response):
        self.reached.append(environ["PATH_INFO"])
        return django_application(environ, start_response)


@pytest.fixture
def django(transactional_db):
    """Django's whole WSGI handler, as granian calls it: its receivers close the database
    connection at a request's start and end when they find a transaction open, so the test
    runs without one around it."""
    return Django()


@pytest.fixture
def front(rendering, office, publish_post, settings, django):
    settings.RENDERED_REFRESH_SECONDS = 0  # look for changes on every request
    publish_post(title="Hochwasserwarnung für Mitte", body="Meiden Sie das Ufer.")
    return RenderedPages(django)


def _row(path: str) -> RenderedPage:
    return RenderedPage.objects.get(path=path, gone=False)


def test_a_rendered_page_is_answered_with_its_bytes_and_headers(front):
    row = _row("/mitte/")
    call = Call(front, "/mitte/")
    assert call.code == 200
    assert call.body == bytes(row.body)
    assert call.headers == dict(row.headers)
    assert "Set-Cookie" not in call.headers and call.headers["Content-Language"] == "de"


def test_a_hit_reaches_neither_django_nor_the_database(front, django, django_assert_num_queries):
    Call(front, "/mitte/")  # the first look reads the index, then the body
    front.next_look = float("inf")  # no look for changes in this second
    with django_assert_num_queries(0):
        assert Call(front, "/mitte/").code == 200
    assert django.reached == []


def test_what_is_not_rendered_goes_to_django(front, django):
    assert b"Hochwasserwarnung" in Call(front, "/mitte/suche/", query="q=Hochwasser").body
    Call(front, "/mitte/", query="page=1")  # a later page of a list stays dynamic
    assert Call(front, "/mitte/kontakt/").code == 200  # a form
    assert Call(front, "/niemand/").code == 404
    assert Call(front, "/mitte/", method="POST").code == 403  # Django's CSRF check
    assert django.reached == ["/mitte/suche/", "/mitte/", "/mitte/kontakt/", "/niemand/", "/mitte/"]


def test_head_and_conditional_requests(front):
    row = _row("/mitte/")
    head = Call(front, "/mitte/", method="HEAD")
    assert head.code == 200 and head.body == b"" and head.headers["Content-Length"]
    again = Call(front, "/mitte/", HTTP_IF_NONE_MATCH=row.etag)
    assert again.code == 304 and again.body == b""
    assert again.headers["ETag"] == row.etag and "Content-Length" not in again.headers
    other = Call(front, "/mitte/", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.code == 200


def test_a_new_rendering_is_answered_and_a_removed_page_goes_to_django(
    front, approver, django_capture_on_commit_callbacks
):
    from rathaus.posts import lifecycle
    from rathaus.posts.models import Post

    post = Post.objects.get(title="Hochwasserwarnung für Mitte")
    url = post.get_absolute_url()
    assert Call(front, url).code == 200
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Entwarnung")
    assert Call(front, url).code == 410  # Django's answer: the rendered page is gone
    assert b"Hochwasserwarnung" not in Call(front, "/mitte/").body


def test_a_host_django_does_not_serve_goes_to_django(front, django):
    Call(front, "/mitte/", host="evil.example")
    assert django.reached == ["/mitte/"]


def test_plain_http_goes_to_django_where_it_redirects(front, django, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as in production
    Call(front, "/mitte/", **{"wsgi.url_scheme": "http"})
    assert django.reached == ["/mitte/"]
    Call(front, "/mitte/", **{"wsgi.url_scheme": "http", "HTTP_X_FORWARDED_PROTO": "https"})
    Call(front, "/mitte/")
    assert django.reached == ["/mitte/"]  # https, directly or behind the proxy: rendered


def test_it_keeps_answering_when_the_database_is_away(front, monkeypatch):
    assert Call(front, "/mitte/").code == 200

    def away(self):
        raise connection.Database.OperationalError("the database is away")
        yield  # a generator, as the real one

    monkeypatch.setattr(following.Follower, "changes", away)
    call = Call(front, "/mitte/")
    assert call.code == 200 and b"Hochwasserwarnung" in call.body


def test_bodies_kept_in_memory_are_bounded(front, settings):
    settings.RENDERED_MEMORY_BYTES = 1
    for path in ("/mitte/", "/en/mitte/", "/mitte/impressum/"):
        assert Call(front, path).code == 200
    assert len(front.bodies) == 1
    assert front.body_bytes == sum(len(body) for body in front.bodies.values())


def test_a_page_rendered_again_before_its_body_was_read_goes_to_django(front, django):
    """The index still has the old version's headers (its Content-Length among them): a
    body of the new version must not be sent with them."""
    front._look()
    front.next_look = float("inf")  # the front does not see the new version yet
    row = _row("/mitte/impressum/")
    row.body = bytes(row.body) + b"<!-- neu -->"
    row.changed_at = timezone.now()
    row.save()
    call = Call(front, "/mitte/impressum/")
    assert django.reached == ["/mitte/impressum/"]
    assert int(call.headers.get("Content-Length", len(call.body))) == len(call.body)
