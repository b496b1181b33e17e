"""Instagram: an image post is a media container made from the image's public address on
the office's newsroom (with caption and alt text), waited for until Instagram has
processed it, then published; several images become a carousel. The delivery links the
post's permalink."""

import pytest
from django.urls import reverse

from rathaus.delivery.models import Delivery
from rathaus.posts import images
from tests.fakes.graph import IG_ID, PAGE_ID, png, publish_with_images


@pytest.fixture
def publish(office, editor, approver, django_capture_on_commit_callbacks):
    def publish(*files):
        return publish_with_images(
            office,
            editor,
            approver,
            django_capture_on_commit_callbacks,
            list(files),
            title="Neue Linden",
            body="In der Allee stehen jetzt junge Linden. #Mitte",
        )

    return publish


def _public_urls(post):
    """Each image's JPEG rendition on the newsroom: Instagram takes JPEG only."""
    return [
        post.office.public_url(
            reverse("newsroom:image-jpeg", args=[post.office.slug, post.pk, i.key])
        )
        for i in post.images.all()
    ]


def test_one_image_is_a_photo_post_from_the_newsroom(graph, connected_account, publish):
    post = publish(png())

    [container] = graph.calls("POST", rf"^/v21\.0/{IG_ID}/media$")
    form = {k: v[0] for k, v in container.form().items()}
    [url] = _public_urls(post)
    assert url.startswith(f"https://presse.mitte.example/mitte/meldungen/{post.pk}/bilder/")
    assert form["image_url"] == url
    # The JPEG is there for Meta to fetch, whichever delivery ran first.
    assert images.rendition_path(post.images.get()).exists()
    assert form["alt_text"] == "Bild 1"
    assert form["caption"].startswith(
        "Neue Linden\n\nIn der Allee stehen jetzt junge Linden. #Mitte"
    )
    assert form["caption"].endswith(post.office.public_url(post.get_absolute_url()))
    assert container.bearer == graph.token_of(PAGE_ID)
    [publishing] = graph.calls("POST", rf"^/v21\.0/{IG_ID}/media_publish$")
    [container_id] = graph.containers
    assert publishing.form()["creation_id"] == [container_id]
    [media] = graph.media.values()
    assert media["caption"] == form["caption"]
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert (delivery.remote_id, delivery.remote_url) == (media["id"], media["permalink"])


def test_several_images_are_a_carousel(graph, connected_account, publish):
    post = publish(png("a.png"), png("b.png", (200, 30, 30)))

    items = [c for c in graph.containers.values() if c["carousel_item"]]
    [carousel] = [c for c in graph.containers.values() if c["media_type"] == "CAROUSEL"]
    assert [c["image_url"] for c in items] == _public_urls(post)
    assert [c["alt_text"] for c in items] == ["Bild 1", "Bild 2"]
    assert carousel["children"] == [c["id"] for c in items]
    assert carousel["caption"].startswith("Neue Linden")
    [media] = graph.media.values()
    assert media["media_type"] == "CAROUSEL"
    assert media["images"] == list(zip(_public_urls(post), ["Bild 1", "Bild 2"], strict=True))
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"


def test_it_waits_until_instagram_has_processed_the_image(graph, connected_account, publish):
    graph.processing_polls = 1  # IN_PROGRESS once, then FINISHED

    publish(png())

    [container_id] = graph.containers
    polls = graph.calls("GET", rf"^/v21\.0/{container_id}$")
    assert [p.query["fields"] for p in polls] == [["status_code,status"]] * 2
    assert len(graph.media) == 1
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"
