"""Facebook: a post goes to the page's feed as the page — a text with a link card of the
original, or with its images uploaded first as unpublished photos (with their alt texts)
and attached to one post. The token travels in the Authorization header, never in a URL."""

import json

from rathaus.delivery.models import Delivery
from tests.fakes.graph import PAGE_ID, png, publish_with_images


def test_it_posts_the_text_with_a_link_card_of_the_original(graph, connected_account, publish_post):
    post = publish_post(title="Baumfällung", body="Am **Montag** werden zwei Linden gefällt.")

    [call] = graph.calls("POST", rf"^/v21\.0/{PAGE_ID}/feed$")
    original = post.office.public_url(post.get_absolute_url())
    assert call.form()["message"] == [
        f"Baumfällung\n\nAm Montag werden zwei Linden gefällt.\n\n{original}"
    ]
    assert call.form()["link"] == [original]
    assert call.bearer == graph.token_of(PAGE_ID)
    assert not call.query  # no token in the address
    [created] = graph.posts.values()
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert delivery.remote_id == created["id"]
    assert delivery.remote_url == f"https://www.facebook.com/{created['id']}"


def test_it_attaches_the_images_as_unpublished_photos_with_alt_texts(
    graph, connected_account, office, editor, approver, django_capture_on_commit_callbacks
):
    files = [png("linde.png"), png("allee.png", (200, 30, 30))]
    publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        files,
        title="Neue Linden",
        body="In der Allee stehen jetzt zwei junge Linden.",
    )

    uploads = graph.calls("POST", rf"^/v21\.0/{PAGE_ID}/photos$")
    fields = [upload.multipart() for upload in uploads]
    assert [f["published"][0] for f in fields] == [b"false", b"false"]
    assert [f["alt_text_custom"][0].decode() for f in fields] == ["Bild 1", "Bild 2"]
    assert all(f["source"][0].startswith(b"\xff\xd8\xff") for f in fields)
    [feed] = graph.calls("POST", rf"^/v21\.0/{PAGE_ID}/feed$")
    form = feed.form()
    attached = [json.loads(form[f"attached_media[{i}]"][0])["media_fbid"] for i in (0, 1)]
    assert attached == list(graph.photos)
    assert "link" not in form  # Facebook takes either photos or a link card
    [created] = graph.posts.values()
    assert created["photos"] == attached
    assert [graph.photos[p]["alt_text"] for p in attached] == ["Bild 1", "Bild 2"]
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"
