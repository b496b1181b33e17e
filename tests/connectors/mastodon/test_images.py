"""Images go up first (POST /api/v2/media, the alt text as its description); the status
then names them. An image Mastodon is still processing (202) is waited for."""

import pytest

from rathaus.delivery.models import Delivery

ALT = "Zwei grüne Bänke unter einer Linde"


@pytest.fixture
def publish_with_image(publish_post, tiny_png):
    def publish():
        image = {"file": tiny_png, "alt_text": ALT, "author": "Pressestelle", "licence": "CC0"}
        return publish_post(title="Neue Bänke", body="Im Park.", images=[image])

    return publish


def test_it_uploads_the_image_with_its_alt_text_before_the_status(
    connected_account, fake, publish_with_image, tiny_png
):
    publish_with_image()

    [upload] = fake.calls("POST", r"^/api/v2/media$")
    fields = upload.multipart()
    assert fields["description"][0].decode() == ALT
    assert fields["file"][0].startswith(b"\xff\xd8\xff")
    [status] = fake.posted()
    [media] = status.media
    assert media.description == ALT
    [post_call] = fake.calls("POST", r"^/api/v1/statuses$")
    assert post_call.form()["media_ids[]"] == [media.id]
    assert fake.requests.index(upload) < fake.requests.index(post_call)
    assert post_call.form()["visibility"] == ["public"]
    assert post_call.form()["language"] == ["de"]
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert delivery.remote_id == status.id
    assert delivery.remote_url == f"https://social.example/@bezirksamt/{status.id}"


def test_it_waits_for_an_image_mastodon_is_still_processing(
    connected_account, fake, publish_with_image
):
    fake.processing_polls = 2  # answered 202, then 206 twice, then 200

    publish_with_image()

    assert len(fake.calls("POST", r"^/api/v2/media$")) == 1
    polls = fake.calls("GET", r"^/api/v1/media/\d+$")
    [status] = fake.posted()
    assert len(polls) == 3
    assert [m.description for m in status.media] == [ALT]
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"
