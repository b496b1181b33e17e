"""Whatever an editor types, no script, event handler or frame reaches the public page."""

from html.parser import HTMLParser

import pytest

from rathaus.posts import lifecycle

HOSTILE = """# Hallo

<script>alert(1)</script>

[Klick](javascript:alert(1))

<img src=x onerror=alert(1)>

<iframe src="https://evil.example/"></iframe>

<a href="javascript:alert(2)" onclick="alert(3)">roh</a>
"""


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


@pytest.fixture
def hostile(office, editor, approver, django_capture_on_commit_callbacks):
    post = lifecycle.create_draft(
        office, by=editor, title="<script>alert('t')</script>Titel", body=HOSTILE
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        return lifecycle.publish(post, by=approver)


@pytest.mark.parametrize("page", ["post", "index", "search"])
def test_it_keeps_hostile_markup_off_the_page(client, hostile, page):
    url = {
        "post": hostile.get_absolute_url(),
        "index": "/mitte/",
        "search": "/mitte/suche/?q=Hallo",
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    assert "Titel" in response.text
    parser = _Elements()
    parser.feed(response.text)
    assert "script" not in parser.tags
    assert "iframe" not in parser.tags
    assert not [name for name, _ in parser.attrs if name.startswith("on")]
    assert not [v for _, v in parser.attrs if v.strip().lower().startswith("javascript:")]
