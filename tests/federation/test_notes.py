"""A post as the Note (or Article) other servers show."""

import pytest

from rathaus.federation.models import Account
from rathaus.posts import lifecycle

ACTIVITY = {"HTTP_ACCEPT": "application/activity+json, application/ld+json"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


pytestmark = pytest.mark.usefixtures("federation_domain")


def get_note(client, post):
    return client.get(f"/ap/presse/notes/{post.pk}", **ACTIVITY)


def test_a_short_post_is_a_note(client, account, published):
    note = get_note(client, published).json()
    newsroom = f"https://presse.mitte.example{published.get_absolute_url()}"
    assert note["id"] == f"https://rathaus.example/ap/presse/notes/{published.pk}"
    assert note["type"] == "Note"
    assert note["attributedTo"] == "https://rathaus.example/ap/presse"
    assert "<strong>Baumfällung in der Lindenallee</strong>" in note["content"]
    assert published.body_html in note["content"]
    assert f'href="{newsroom}"' in note["content"]
    assert note["contentMap"] == {"de": note["content"]}
    assert note["url"] == newsroom
    assert note["published"] == published.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "updated" not in note
    assert note["to"] == [PUBLIC]
    assert note["cc"] == ["https://rathaus.example/ap/presse/followers"]
    assert note["sensitive"] is False
    assert note["inReplyTo"] is None
    assert note["tag"] == []
    assert note["attachment"] == []


def test_tags_become_hashtags(client, account, publish_post):
    post = publish_post(title="Sperrung", body="Die Brücke ist zu.", tags=["Verkehr", "Bau stelle"])
    note = get_note(client, post).json()
    tags = sorted(note["tag"], key=lambda tag: tag["name"])
    assert tags == [
        {
            "type": "Hashtag",
            "name": "#Baustelle",
            "href": "https://presse.mitte.example/mitte/thema/bau-stelle/",
        },
        {
            "type": "Hashtag",
            "name": "#Verkehr",
            "href": "https://presse.mitte.example/mitte/thema/verkehr/",
        },
    ]
    assert 'rel="tag">#<span>Verkehr</span></a>' in note["content"]


def test_images_are_attached_with_their_alt_text(
    client, account, draft, editor, approver, tiny_png, django_capture_on_commit_callbacks
):
    lifecycle.add_image(
        draft,
        by=editor,
        file=tiny_png,
        alt_text="Zwei Linden mit Pilzbefall am Stamm",
        author="Grünflächenamt",
        licence="CC BY 4.0",
    )
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(draft, by=approver)
    [image] = get_note(client, draft).json()["attachment"]
    assert image["type"] == "Document"
    # The public copy: the JPEG rendition the newsroom serves under the image's random key.
    assert image["mediaType"] == "image/jpeg"
    assert image["name"] == "Zwei Linden mit Pilzbefall am Stamm"
    key = draft.images.get().key
    assert image["url"] == f"https://rathaus.example/mitte/meldungen/{draft.pk}/bilder/{key}.jpg"


def test_a_long_post_is_an_article_with_its_first_paragraph_as_summary(
    client, account, publish_post
):
    body = "Der **Haushalt** ist beschlossen.\n\n" + "Weitere Einzelheiten. " * 40
    post = publish_post(title="Haushalt 2027", body=body)
    article = get_note(client, post).json()
    assert article["type"] == "Article"
    assert article["name"] == "Haushalt 2027"
    assert article["summary"] == "Der Haushalt ist beschlossen."
    assert "<strong>Haushalt</strong>" in article["content"]


def test_a_corrected_post_says_when(client, account, published, approver):
    lifecycle.correct(published, by=approver, note="Datum berichtigt", body="Am Dienstag.")
    note = get_note(client, published).json()
    assert note["updated"].endswith("Z")


def test_a_draft_is_not_found(client, account, draft):
    assert get_note(client, draft).status_code == 404


def test_a_withdrawn_post_is_a_tombstone(client, account, published, approver):
    lifecycle.withdraw(published, by=approver, reason="Termin abgesagt")
    response = get_note(client, published)
    assert response.status_code == 410
    tombstone = response.json()
    assert tombstone["type"] == "Tombstone"
    assert tombstone["id"] == f"https://rathaus.example/ap/presse/notes/{published.pk}"


def test_another_offices_post_is_not_found_under_this_account(client, published, other_office):
    Account.objects.create(office=other_office, username="nord", display_name="Nord")
    assert client.get(f"/ap/nord/notes/{published.pk}", **ACTIVITY).status_code == 404
