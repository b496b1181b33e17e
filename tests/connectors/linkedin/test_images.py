"""Images go up through the Images API first (initializeUpload, then a PUT of the bytes to
LinkedIn's upload address) and are attached with their alt text: one as ``media``, several
as ``multiImage``."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rathaus.delivery.models import Delivery
from rathaus.posts.images import rendition_path
from tests.fakes.linkedin import ORGANIZATION


def _png(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def publish_with_images(publish_post):
    def publish(*alt_texts: str):
        images = [
            {
                "file": _png(f"bank{number}.png", (number * 40, 90, 60)),
                "alt_text": alt,
                "author": "Pressestelle",
                "licence": "CC BY 4.0",
            }
            for number, alt in enumerate(alt_texts)
        ]
        return publish_post(title="Neue Bänke", body="Im Park stehen neue Bänke.", images=images)

    return publish


def test_it_uploads_one_image_and_attaches_it_with_its_alt_text(
    fake, connected_account, publish_with_images
):
    post = publish_with_images("Eine grüne Parkbank unter einer Linde")

    [image_urn] = fake.images
    [created] = fake.live_posts()
    [initialize] = fake.calls("POST", r"^/rest/images$")
    assert initialize.query["action"] == ["initializeUpload"]
    assert json.loads(initialize.body) == {"initializeUploadRequest": {"owner": ORGANIZATION}}
    assert fake.images[image_urn]["data"] == rendition_path(post.images.get()).read_bytes()
    assert fake.images[image_urn]["mime"] == "image/jpeg"
    assert created["content"] == {
        "media": {"id": image_urn, "altText": "Eine grüne Parkbank unter einer Linde"}
    }
    assert (
        Delivery.objects.get(channel=connected_account.channel_key).status
        == Delivery.Status.PUBLISHED
    )


def test_several_images_go_out_as_a_multi_image_post(fake, connected_account, publish_with_images):
    publish_with_images("Bank am Teich", "Bank am Spielplatz", "Bank am Eingang")

    [created] = fake.live_posts()
    images = created["content"]["multiImage"]["images"]
    assert [i["altText"] for i in images] == [
        "Bank am Teich",
        "Bank am Spielplatz",
        "Bank am Eingang",
    ]
    assert all(fake.images[i["id"]]["data"] for i in images)
    assert len(fake.calls("PUT", r"^/dms-uploads/")) == 3
