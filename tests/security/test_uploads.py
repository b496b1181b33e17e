"""Uploads (issue 10, items 3 and 10): originals are private, public images are served only
while their post is public and under names nobody can guess, and an upload is limited in
bytes, pixels and format before anything is stored or decoded in a public request."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rathaus.contact import follow, submitting
from rathaus.lib import spam
from rathaus.posts import images, lifecycle
from rathaus.posts.models import PostImage
from tests.helpers import log_in

JPEG_MAGIC = b"\xff\xd8\xff"


def _png(size=(40, 20), colour=(0, 90, 60, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _huge_png(width: int, height: int) -> bytes:
    """A complete, valid 1-bit PNG of ``width`` × ``height`` black pixels: a few hundred
    kilobytes that would unpack into gigabytes (the decompression bomb)."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _upload(client, post, name: str, content: bytes, content_type="image/png"):
    return client.post(
        reverse("desk:image_add", args=[post.office.slug, post.pk]),
        {
            "image-image": SimpleUploadedFile(name, content, content_type=content_type),
            "image-alt_text": "Zwei Linden",
            "image-author": "Grünflächenamt",
            "image-licence": "CC BY 4.0",
        },
    )


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _add(post, editor, name="linde.png", content=None) -> PostImage:
    return lifecycle.add_image(
        post,
        by=editor,
        file=SimpleUploadedFile(name, content or _png(), content_type="image/png"),
        alt_text="Linde",
        author="Amt",
        licence="CC0",
    )


def _publish(post, editor, approver, capture):
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with capture(execute=True):  # the newsroom's delivery runs, as in the worker
        lifecycle.publish(post, by=approver)


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    """Each test its own upload directory, so "nothing stored" can be counted."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def desk(client, editor):
    log_in(client, editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages are matched in English
    return client


# --- Item 3: private originals, unguessable names, state-checked public images -----------


def test_the_media_route_is_gone_for_a_draft_image(client, draft, editor):
    image = _add(draft, editor)
    assert Path(image.image.path).is_file()
    for path in (
        f"/media/{image.image.name}",
        f"/media/posts/2026/05/{image.original_name}",
        f"{settings.MEDIA_URL}{image.image.name}",
    ):
        assert client.get(path).status_code == 404
    # Not below anything WhiteNoise or a static route serves either.
    assert Path(settings.STATIC_ROOT) not in Path(image.image.path).parents


def test_stored_names_are_random_and_the_upload_name_is_only_a_display_field(draft, editor):
    first = _add(draft, editor, name="Anna Anwohnerin privat.png")
    second = _add(draft, editor, name="Anna Anwohnerin privat.png")
    for image in (first, second):
        assert "Anna" not in image.image.name
        assert image.original_name == "Anna Anwohnerin privat.png"
        assert image.image.name.startswith("posts/") and image.image.name.endswith(".png")
        assert len(image.key) >= 20
    assert first.image.name != second.image.name
    assert first.key != second.key
    # The public address names the random key, never the row's counting id.
    assert first.public_url().endswith(f"/bilder/{first.key}.jpg")
    guessed = reverse("newsroom:image-jpeg", args=[draft.office.slug, draft.pk, str(first.pk)])
    assert guessed != first.public_url()


def test_a_draft_image_is_not_public_anywhere(client, draft, editor):
    image = _add(draft, editor)
    assert client.get(image.public_url()).status_code == 404
    images.render(image)  # even with a rendition lying around (it never is for drafts)
    assert client.get(image.public_url()).status_code == 404


def test_a_withdrawn_posts_image_answers_410_and_its_public_copy_goes(
    client, draft, editor, approver, django_capture_on_commit_callbacks
):
    image = _add(draft, editor)
    _publish(draft, editor, approver, django_capture_on_commit_callbacks)
    assert client.get(image.public_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(draft, by=approver, reason="Falsches Foto")
    assert client.get(image.public_url()).status_code == 410
    assert not images.rendition_path(image).exists()
    assert Path(image.image.path).is_file()  # the desk keeps the original


def test_the_newsroom_page_links_no_upload_directly(
    client, draft, editor, approver, django_capture_on_commit_callbacks
):
    image = _add(draft, editor)
    _publish(draft, editor, approver, django_capture_on_commit_callbacks)
    page = client.get(draft.get_absolute_url()).text
    assert f'src="{image.public_url()}"' in page
    assert image.image.name not in page
    assert settings.MEDIA_URL not in page and "/media/" not in page


def test_the_desk_shows_an_image_only_to_the_offices_members(
    client, draft, editor, outsider, agent
):
    image = _add(draft, editor)
    url = image.desk_url()
    assert client.get(url).status_code == 302  # to the login
    log_in(client, outsider)
    assert client.get(url).status_code == 404
    # The other office's own URL prefix does not help either.
    other = reverse(
        "desk:image_file", args=[outsider.memberships.first().office.slug, draft.pk, image.pk]
    )
    assert client.get(other).status_code == 404
    log_in(client, agent)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == image.image.open("rb").read()


def test_the_desk_detail_page_shows_the_image_through_the_desk_view(desk, draft, editor):
    image = _add(draft, editor)
    page = desk.get(reverse("desk:post_detail", args=[draft.office.slug, draft.pk])).text
    assert f'src="{image.desk_url()}"' in page
    assert settings.MEDIA_URL not in page


@pytest.fixture
def photo_conversation(office):
    message, _new = submitting.ask(
        office,
        nonce_id=spam.nonce_id(spam.new_nonce()),
        text="Schlagloch, siehe Foto",
        photo=ContentFile(_png(), name="c0ffee.png"),
    )
    return message


def test_a_citizens_photo_is_shown_only_to_the_offices_members(
    client, photo_conversation, agent, outsider
):
    message = photo_conversation
    conversation = message.conversation
    url = reverse(
        "desk:conversation_photo", args=[conversation.office.slug, conversation.pk, message.pk]
    )
    assert client.get(f"/media/{message.photo.name}").status_code == 404
    assert client.get(url).status_code == 302
    log_in(client, outsider)
    assert client.get(url).status_code == 404
    log_in(client, agent)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = client.get(
        reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    )
    assert f'src="{url}"' in page.text


def test_the_citizen_sees_their_photo_only_with_their_follow_link(
    client, photo_conversation, office
):
    message = photo_conversation
    page_path = follow.path(message.conversation)
    page = client.get(page_path).text
    photo_path = f"{page_path}foto/{message.pk}/"
    assert f'src="{photo_path}"' in page
    response = client.get(photo_path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    # Another conversation's link, or a forged one, opens nothing.
    other, _new = submitting.ask(office, nonce_id=spam.nonce_id(spam.new_nonce()), text="Andere")
    assert client.get(f"{follow.path(other.conversation)}foto/{message.pk}/").status_code == 404
    assert client.get(f"/mitte/anfrage/forged/foto/{message.pk}/").status_code == 404


# --- Item 10: upload limits, renditions made once, files served ---------------------------


def _rejected(response, *needles: str) -> None:
    assert response.status_code == 400
    errors = response.context["image_form"].errors
    assert "image" in errors, errors
    text = " ".join(errors["image"])
    assert any(needle in text for needle in needles), text
    assert PostImage.objects.count() == 0
    assert _stored_files() == []


def test_a_decompression_bomb_is_a_form_error_and_nothing_is_stored(desk, draft):
    bomb = _huge_png(30_000, 30_000)  # 900 megapixels
    assert len(bomb) < 1_000_000
    _rejected(_upload(desk, draft, "bombe.png", bomb), "valid image", "not an image", "megapixels")


def test_a_144_megapixel_image_is_a_form_error(desk, draft):
    response = _upload(desk, draft, "riesig.png", _huge_png(12_000, 12_000))
    _rejected(response, "144.0 megapixels")


def test_the_pixel_limit_is_a_setting(desk, draft, settings):
    settings.UPLOAD_MAX_MEGAPIXELS = 1
    _rejected(_upload(desk, draft, "gross.png", _huge_png(1200, 1000)), "at most 1 are taken")


def test_an_oversized_file_is_a_form_error(desk, draft, settings):
    settings.UPLOAD_MAX_MB = 1
    padded = _png() + b"\x00" * (1024 * 1024 + 1)  # a valid PNG with trailing bytes
    _rejected(_upload(desk, draft, "schwer.png", padded), "larger than 1 MB")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("foto.jpg", b"<!doctype html><script>alert(document.domain)</script>"),
    ],
)
def test_svg_and_html_disguised_as_images_are_form_errors(desk, draft, name, content):
    _rejected(_upload(desk, draft, name, content, "image/png"), "valid image", "not an image")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("x.png", _huge_png(12_000, 12_000)),
        ("x.tif", None),
    ],
)
def test_the_verb_itself_refuses_what_the_form_would(draft, editor, name, content):
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="TIFF")
        content = buffer.getvalue()
    with pytest.raises(images.ImageRejected):
        _add(draft, editor, name=name, content=content)
    assert PostImage.objects.count() == 0
    assert _stored_files() == []


def test_a_jpeg_png_webp_and_gif_are_taken(desk, draft):
    for kind in ("JPEG", "PNG", "WEBP", "GIF"):
        buffer = io.BytesIO()
        Image.new("RGB", (30, 20), (10, 200, 30)).save(buffer, format=kind)
        response = _upload(desk, draft, f"bild.{kind.lower()}", buffer.getvalue())
        assert response.status_code == 302, kind
    assert PostImage.objects.count() == 4


def test_the_rendition_is_made_at_publication_and_served_without_decoding(
    client, draft, editor, approver, django_capture_on_commit_callbacks, monkeypatch
):
    image = _add(draft, editor, content=_png(size=(3000, 200)))
    assert not images.rendition_path(image).exists()
    _publish(draft, editor, approver, django_capture_on_commit_callbacks)
    assert images.rendition_path(image).exists()

    def no_decoding(*args, **kwargs):
        raise AssertionError("an image was decoded during a public request")

    monkeypatch.setattr(Image, "open", no_decoding)
    response = client.get(image.public_url())
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(JPEG_MAGIC)
    assert response["Content-Type"] == "image/jpeg"
    assert response["ETag"] == f'"{image.key}"'
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    again = client.get(image.public_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    monkeypatch.undo()
    with Image.open(io.BytesIO(body)) as picture:
        assert picture.size == (images.RENDITION_WIDTH, 96)  # scaled down once, in the worker


def test_a_missing_rendition_is_404_and_asked_of_the_worker_once(
    client, draft, editor, approver, django_capture_on_commit_callbacks, monkeypatch, settings
):
    from rathaus.newsroom import renditions

    image = _add(draft, editor)
    _publish(draft, editor, approver, django_capture_on_commit_callbacks)
    images.rendition_path(image).unlink()
    asked = []
    monkeypatch.setattr(renditions.tasks, "render_images", asked.append)
    assert client.get(image.public_url()).status_code == 404
    assert client.get(image.public_url()).status_code == 404
    settings.CACHES = {  # another web worker: a default cache of its own, the same shared one
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "2"},
    }
    assert client.get(image.public_url()).status_code == 404
    assert asked == [draft.pk]  # once, not once per request nor once per process
    images.render_post(draft.pk)  # what the worker does
    assert client.get(image.public_url()).status_code == 200


def test_a_contact_photo_bomb_or_giant_is_a_form_error_and_nothing_is_stored(client, office):
    from rathaus.inbox.models import Message

    for content in (_huge_png(30_000, 30_000), _huge_png(12_000, 12_000)):
        response = client.post(
            "/mitte/kontakt/",
            {
                "message": "Schlagloch, siehe Foto",
                "nonce": spam.new_nonce(),
                "photo": SimpleUploadedFile("foto.png", content, content_type="image/png"),
            },
        )
        assert response.status_code == 400
        assert "photo" in response.context["form"].errors
    assert Message.objects.count() == 0
    assert _stored_files() == []


def test_a_contact_photo_is_kept_at_most_max_side_long(client, office):
    from rathaus.inbox import photos
    from rathaus.inbox.models import Message

    buffer = io.BytesIO()
    Image.new("RGB", (photos.MAX_SIDE + 904, 100), (200, 30, 30)).save(buffer, format="JPEG")
    response = client.post(
        "/mitte/kontakt/",
        {
            "message": "Schlagloch, siehe Foto",
            "nonce": spam.new_nonce(),
            "photo": SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    with Message.objects.get().photo.open("rb") as stored, Image.open(stored) as picture:
        assert picture.width == photos.MAX_SIDE
