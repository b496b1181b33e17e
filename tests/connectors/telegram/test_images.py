"""Images: one goes as a photo, several as an album, the text as caption when it fits
1024 characters, else as a reply after them. Telegram has no alt text: it is sent nowhere."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.connectors import family
from rathaus.delivery.models import Delivery
from tests.fakes.telegram import FIRST_CHANNEL

ALT = "Zwei grüne Bänke unter einer Linde"


@pytest.fixture
def publish_with_images(publish_post, tiny_png):
    def publish(count: int, body: str = "Im Park stehen neue Bänke."):
        data = tiny_png.read()
        images = [
            {
                "file": SimpleUploadedFile(f"bank-{number}.png", data, content_type="image/png"),
                "alt_text": f"{ALT} ({number})",
                "author": "Pressestelle",
                "licence": "CC0",
            }
            for number in range(count)
        ]
        return publish_post(title="Neue Bänke", body=body, images=images)

    return publish


def test_one_image_goes_as_a_photo_with_the_text_as_caption(
    connected_account, telegram, publish_with_images
):
    post = publish_with_images(1)

    [upload] = telegram.calls("POST", r"/sendPhoto$")
    fields = upload.multipart()
    assert fields["photo"][0].startswith(b"\xff\xd8\xff")
    # The file goes under its stored random name: the uploader's own name stays in the house.
    assert fields["photo"][1].endswith(".jpg")
    assert "bank" not in fields["photo"][1]
    [photo] = telegram.posts()
    assert photo["caption"].startswith("Neue Bänke\n\nIm Park stehen neue Bänke.")
    assert "text" not in photo
    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert delivery.remote_id == f"{FIRST_CHANNEL}:{photo['message_id']}c"


def test_several_images_go_as_an_album_with_the_caption_on_the_first(
    connected_account, telegram, publish_with_images
):
    publish_with_images(3)

    [call] = telegram.calls("POST", r"/sendMediaGroup$")
    fields = call.multipart()
    media = json.loads(fields["media"][0])
    assert [item["type"] for item in media] == ["photo"] * 3
    assert "caption" in media[0] and all("caption" not in item for item in media[1:])
    for item in media:
        assert fields[item["media"].removeprefix("attach://")][0].startswith(b"\xff\xd8\xff")
    album = telegram.posts()
    assert len(album) == 3 and len({m["media_group_id"] for m in album}) == 1
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    ids = [m["message_id"] for m in album]
    assert delivery.remote_id == f"{FIRST_CHANNEL}:{ids[0]}c,{ids[1]},{ids[2]}"
    assert delivery.remote_url.endswith(f"/{ids[0]}")


def test_a_text_too_long_for_a_caption_follows_the_photo_as_a_reply(
    connected_account, telegram, publish_with_images
):
    publish_with_images(1, body="Bänke. " * 200)  # 1400 characters: too long for a caption

    photo, text = telegram.posts()
    assert "caption" not in photo
    assert text["text"].startswith("Neue Bänke\n\nBänke. Bänke.")
    assert text["reply_to_message"]["message_id"] == photo["message_id"]
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.remote_id == f"{FIRST_CHANNEL}:{photo['message_id']},{text['message_id']}"


def test_an_album_with_a_long_text_gets_the_text_as_a_reply(
    connected_account, telegram, publish_with_images
):
    publish_with_images(2, body="Bänke. " * 200)

    first, second, text = telegram.posts()
    assert "caption" not in first and "caption" not in second
    assert text["reply_to_message"]["message_id"] == first["message_id"]
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"


def test_the_editor_still_asks_for_an_alt_text(connected_account, english_messages):
    limits = family.connector_for(connected_account).limits

    assert limits.max_images == 10
    assert "Every image needs an alt text." in limits.problems(text="x", title="", alt_texts=[" "])
