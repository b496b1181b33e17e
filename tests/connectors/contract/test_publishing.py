"""What every connector does with a post: it goes out once with a link to the original on
the newsroom, its images carry their alt texts as the newsroom's metadata-free JPEG, and a
text too long for one post goes out as a numbered thread where the platform threads, going
on where a failed attempt stopped."""

import io
import itertools
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rathaus.delivery.models import Delivery
from tests.connectors.contract.platforms import PLATFORMS, each, image

THREADING = [p for p in PLATFORMS if p.threads]
TEXT = "Am **Montag** werden zwei Linden gefällt."
FLAT = "Am Montag werden zwei Linden gefällt."
ALT = "Zwei grüne Bänke unter einer Linde"


def original(post) -> str:
    """The post's address on the newsroom (the office's public base URL)."""
    return f"https://presse.mitte.example{post.get_absolute_url()}"


@each(PLATFORMS)
def test_a_post_goes_out_once_with_a_link_to_the_original(
    platform, fake, connected_account, publish_one
):
    delivery = publish_one(title="Baumfällung", body=TEXT)

    [part] = platform.posts(fake)
    assert delivery.status == "published", delivery.last_error
    assert part.text.startswith(f"Baumfällung\n\n{FLAT}")
    assert part.text.endswith(original(delivery.post))
    assert fake.posts_by_account() == {connected_account.remote_id: [part.text]}
    assert delivery.remote_id == part.id
    assert delivery.remote_url == part.url


def _camera_photo() -> SimpleUploadedFile:
    """A phone photo with the photographer's name and the GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x013B] = "Erika Mustermann"  # Artist
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, format="JPEG", exif=exif)
    assert b"Erika Mustermann" in buffer.getvalue()
    return SimpleUploadedFile("IMG_0815.jpg", buffer.getvalue(), content_type="image/jpeg")


# httpx warns about the raw bytes Bluesky's client library uploads.
@pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
@each(PLATFORMS)
def test_images_go_with_their_alt_texts_as_jpegs_without_camera_data(
    platform, fake, connected_account, publish_post, client
):
    first, second = image(1, _camera_photo()), image(2)
    first["alt_text"] = ALT

    post = publish_post(title="Neue Bänke", body=TEXT, images=[first, second])

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "published", delivery.last_error
    parts = platform.posts(fake)
    [text] = [p.text for p in parts if p.text]
    assert text.startswith(f"Neue Bänke\n\n{FLAT}")
    assert original(post) in text
    assert delivery.remote_id == platform.image_post_id(parts)
    assert delivery.remote_url == parts[0].url
    sent = platform.sent_images(fake)
    if platform.alt_texts:
        assert [s.alt for s in sent] == [ALT, "Bild 2"]
    else:  # the editor still asks for one, but it is sent nowhere
        assert len(sent) == 2
        assert all(ALT.encode() not in request.body for request in fake.requests)
    for picture in sent:
        data = picture.data if picture.data is not None else _served(client, picture.url)
        assert data.startswith(b"\xff\xd8\xff")  # the newsroom's JPEG rendition
        assert b"Erika Mustermann" not in data and b"Exif" not in data
        assert not Image.open(io.BytesIO(data)).getexif()


def _served(client, url: str) -> bytes:
    """An image the platform fetches itself, as the newsroom serves it to the platform."""
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@each(THREADING)
def test_a_long_text_goes_out_as_a_numbered_thread(platform, fake, connected_account, publish_one):
    delivery = publish_one(title="Lindenallee", body=platform.threads.body)

    delivery.refresh_from_db()
    parts = platform.posts(fake)
    total = len(parts)
    assert delivery.status == "published", delivery.last_error
    assert total >= 3
    assert total == (platform.threads.parts or total)  # exactly, where the count is known
    assert all(platform.threads.length(p.text) <= platform.threads.max_chars for p in parts)
    assert [p.text.rsplit(" ", 1)[-1] for p in parts] == [
        f"({n}/{total})" for n in range(1, total + 1)
    ]
    assert parts[0].reply_to == ""
    for previous, part in itertools.pairwise(parts):
        assert part.reply_to == previous.id
    assert delivery.remote_id == parts[0].id
    assert delivery.remote_url == parts[0].url
    assert [p["id"] for p in delivery.remote_parts] == [p.id for p in parts]


@each(THREADING)
def test_a_thread_that_stopped_goes_on_with_the_part_that_failed(
    platform, fake, connected_account, publish_one, send_all
):
    platform.threads.fail_second_part(fake)

    delivery = publish_one(title="Lindenallee", body=platform.threads.body)

    delivery.refresh_from_db()
    [first] = platform.posts(fake)
    assert delivery.status == "queued"
    assert [p["id"] for p in delivery.remote_parts] == [first.id]

    assert send_all()[connected_account.channel_key] == "published"

    delivery.refresh_from_db()
    parts = platform.posts(fake)
    total = len(parts)
    assert parts[0] == first
    assert len({p.text for p in parts}) == total  # no part twice
    assert total >= 3
    assert total == (platform.threads.parts or total)  # exactly, where the count is known
    assert [p.text.rsplit(" ", 1)[-1] for p in parts] == [
        f"({n}/{total})" for n in range(1, total + 1)
    ]
    for previous, part in itertools.pairwise(parts):
        assert part.reply_to == previous.id
    assert [p["id"] for p in delivery.remote_parts] == [p.id for p in parts]
