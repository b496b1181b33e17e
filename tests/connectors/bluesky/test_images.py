"""Images go up as blobs (com.atproto.repo.uploadBlob) and into the post as
app.bsky.embed.images, each with its alt text and aspect ratio; at most four."""

import io
import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rathaus.delivery import channels
from rathaus.delivery.models import Delivery
from rathaus.offices.access import LifecycleError
from rathaus.posts.images import rendition_path
from tests.fakes.bluesky import MAX_IMAGE_BYTES

# httpx warns about the raw bytes the client library uploads.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


@pytest.fixture
def publish_with_images(publish_post):
    def publish(files):
        images = [
            {"file": file, "alt_text": f"Bank {number}", "author": "K. M.", "licence": "CC0"}
            for number, file in enumerate(files, 1)
        ]
        return publish_post(
            title="Neue Bänke", body="Am Lindenplatz.", category="notice", images=images
        )

    return publish


def png(name: str, size=(30, 20), noise=False) -> SimpleUploadedFile:
    picture = Image.new("RGB", size, (0, 90, 60))
    if noise:
        rng = random.Random(5)
        picture = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_it_uploads_the_images_with_their_alt_texts(fake, connected_account, publish_with_images):

    post = publish_with_images([png("a.png"), png("b.png", size=(10, 40))])

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "published", delivery.last_error
    uploads = fake.calls("POST", r"uploadBlob$")
    assert [u.headers["content-type"] for u in uploads] == ["image/jpeg", "image/jpeg"]
    assert [u.body for u in uploads] == [rendition_path(i).read_bytes() for i in post.images.all()]
    [record] = fake.posts()
    embed = record.value["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [i["alt"] for i in embed["images"]] == ["Bank 1", "Bank 2"]
    assert [i["aspectRatio"]["width"] for i in embed["images"]] == [30, 10]
    assert [i["aspectRatio"]["height"] for i in embed["images"]] == [20, 40]
    assert all((record.did, i["image"]["ref"]["$link"]) in fake.blobs for i in embed["images"])


def test_a_fifth_image_is_refused_before_publishing(fake, connected_account, publish_with_images):

    name = channels.get(connected_account.channel_key).name  # "Bluesky: mitte.bsky.social"
    with pytest.raises(LifecycleError, match=re.escape(name)):
        publish_with_images([png(f"{n}.png") for n in range(5)])

    assert not fake.requests


def test_a_large_photo_is_scaled_down_to_what_bluesky_takes(
    fake, connected_account, publish_with_images
):
    large = png("large.png", size=(900, 700), noise=True)
    assert large.size > MAX_IMAGE_BYTES

    post = publish_with_images([large])

    assert (
        Delivery.objects.get(post=post, channel=connected_account.channel_key).status == "published"
    )
    [upload] = fake.calls("POST", r"uploadBlob$")
    assert upload.headers["content-type"] == "image/jpeg"
    assert len(upload.body) <= MAX_IMAGE_BYTES
    assert Image.open(io.BytesIO(upload.body)).format == "JPEG"
