"""Publishing on X: the post's text (with the link to the original) goes to POST /2/tweets
with the account's OAuth 2 user token; images are uploaded through the v2 media upload and
get their alt text before the post names them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rathaus.delivery.models import Delivery


def test_it_posts_the_text_with_the_link_to_the_original(connected_account, fake, publish_post):
    post = publish_post(title="Baumfällung", body="Am **Montag** werden zwei Linden gefällt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    [tweet] = fake.posts_of("1")
    assert delivery.status == "published"
    assert tweet["posted"].startswith("Baumfällung\n\nAm Montag werden zwei Linden gefällt.")
    assert tweet["posted"].endswith(post.office.public_url(post.get_absolute_url()))
    assert delivery.remote_id == tweet["id"]
    assert delivery.remote_url == f"https://x.com/ba_mitte/status/{tweet['id']}"
    [call] = fake.calls("POST", r"^/2/tweets$")
    assert call.headers["authorization"] == "Bearer access-token-1"


@pytest.fixture
def publish_with_image(publish_post):
    def publish(file, alt_text):
        image = {"file": file, "alt_text": alt_text, "author": "Presse", "licence": "CC BY 4.0"}
        return publish_post(title="Neue Bänke", body="Im Park.", images=[image])

    return publish


def test_it_uploads_images_with_their_alt_text(
    connected_account, fake, tiny_png, publish_with_image
):
    publish_with_image(tiny_png, "Zwei grüne Bänke unter einer Linde")

    [tweet] = fake.posts_of("1")
    [media_id] = tweet["media_ids"]
    media = fake.media[media_id]
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"
    assert media["alt"] == "Zwei grüne Bänke unter einer Linde"
    assert media["data"].startswith(b"\xff\xd8\xff")  # the rendition, without metadata
    assert media["type"] == "image/jpeg"
    # The alt text is set before the post that shows the image exists.
    paths = [r.path for r in fake.requests if r.method == "POST"]
    assert paths == ["/2/media/upload", "/2/media/metadata", "/2/tweets"]


def test_a_gif_goes_to_x_as_a_still_jpeg(connected_account, fake, publish_with_image):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (0, 90, 60)).save(buffer, format="GIF")
    gif = SimpleUploadedFile("bank.gif", buffer.getvalue(), content_type="image/gif")

    publish_with_image(gif, "Eine Bank")

    [media] = fake.media.values()
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"
    assert (media["type"], media["alt"]) == ("image/jpeg", "Eine Bank")
    assert media["data"].startswith(b"\xff\xd8\xff")
