"""The editor's counters count a post as it will go out: with the address it will have once
saved (the office's host, its id, the words of its title) and line breaks as ``\\n``, so the
counts and thread parts before saving are the ones after."""

import re

import pytest
from django.urls import reverse

from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.helpers import log_in

# Longer than the address's 60 characters of words: they are cut where a word ends.
TITLE = "Vollsperrung der Lindenallee zwischen Marktplatz und Bahnhofstraße wegen Kanalarbeiten"
# Lines as a browser's textarea sends them; the post's text fills most of a Bluesky post.
BODY = "\r\n".join(
    [
        "Ab Montag ist die Lindenallee für drei Wochen voll gesperrt.",
        "Umleitung über die Parkstraße.",
        "",
        "Busse der Linie 12 halten an der Ersatzhaltestelle vor dem Rathaus.",
    ]
)


@pytest.fixture
def platforms(connect_account):
    """An account on each platform whose count the issue names."""
    return {
        platform: connect_account(platform, api_base="http://127.0.0.1:9", remote_id="1")
        for platform in ("bluesky", "x", "mastodon")
    }


def _counters(html: str) -> str:
    """The counters block of an editor page or a preview (the counts, the parts as they go
    out, the problems)."""
    found = re.search(r'<div class="counters">.*?</div>\s*<div class="rendered">', html, re.S)
    assert found, html
    return found.group(0)


def _count(html: str, key: str) -> str:
    section = re.search(rf'id="counter-{re.escape(key)}">.*?<dd>([^<]+)</dd>', html, re.S)
    assert section, key
    return section.group(1).strip()


def test_the_counts_before_saving_are_the_counts_after(client, office, editor, platforms):
    log_in(client, editor)
    typed = {"title": TITLE, "body": BODY, "category": "press_release", "language": "de"}
    before = client.post(reverse("desk:preview", args=[office.slug]), typed).content.decode()

    response = client.post(reverse("desk:post_new", args=[office.slug]), typed)
    post = Post.objects.get()
    after = client.get(response.url).content.decode()

    assert response.status_code == 302
    assert _counters(before) == _counters(after)
    for account in platforms.values():
        assert _count(before, account.channel_key) == _count(after, account.channel_key)
    # What was compared is the real thing: the saved address, and a Bluesky thread.
    link = office.public_url(post.get_absolute_url())
    assert link in after and link in before
    assert "\r" not in post.body
    assert "/ 300" in _count(after, platforms["bluesky"].channel_key)


def test_a_line_break_counts_once_before_saving_as_after(client, office, editor, platforms):
    log_in(client, editor)
    crlf = client.post(
        reverse("desk:preview", args=[office.slug]), {"title": "Sperrung", "body": BODY}
    ).content.decode()
    lf = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "Sperrung", "body": BODY.replace("\r\n", "\n")},
    ).content.decode()

    for key in ("newsroom", *(account.channel_key for account in platforms.values())):
        assert _count(crlf, key) == _count(lf, key)


def test_the_preview_of_a_draft_uses_the_address_of_its_new_title(
    client, office, editor, draft, platforms
):
    log_in(client, editor)
    html = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "Neue Bänke im Stadtpark", "body": draft.body, "post_id": str(draft.pk)},
    ).content.decode()

    assert f"/mitte/meldungen/{draft.pk}-neue-banke-im-stadtpark/" in html
    assert draft.slug not in html


def test_a_published_post_keeps_its_address_in_the_correction_preview(
    client, office, approver, published, platforms
):
    log_in(client, approver)
    html = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "Anderer Titel", "body": published.body, "post_id": str(published.pk)},
    ).content.decode()

    assert office.public_url(published.get_absolute_url()) in html
    assert "anderer-titel" not in html


def test_variants_are_saved_with_plain_line_breaks(client, office, editor, platforms):
    log_in(client, editor)
    client.post(
        reverse("desk:post_new", args=[office.slug]),
        {
            "title": "Sperrung",
            "body": "Text",
            "category": "press_release",
            "language": "de",
            "variant_x": "Zeile eins\r\nZeile zwei",
        },
    )
    post = Post.objects.get()

    assert post.variant_text("x") == "Zeile eins\nZeile zwei"


def test_the_verbs_store_plain_line_breaks_too(office, editor):
    post = lifecycle.create_draft(office, by=editor, title="T", body="eins\r\nzwei\rdrei")

    assert post.body == "eins\nzwei\ndrei"
