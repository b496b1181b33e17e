"""A citizen's photo loses its metadata on upload: camera, time and GPS position never
reach our disk; only the pixels do, turned upright as the camera meant them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from rathaus.inbox.models import Message
from rathaus.lib import spam

GPS = ExifTags.IFD.GPSInfo


def _jpeg_with_gps(size=(40, 20), orientation=None) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamerahersteller"
    exif[ExifTags.Base.Model] = "Handy 3000"
    exif[ExifTags.Base.DateTime] = "2026:05:04 07:30:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _send(client, name, content, content_type):
    photo = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        "/mitte/kontakt/",
        {"message": "Schlagloch, siehe Foto", "nonce": spam.new_nonce(), "photo": photo},
    )


def _stored() -> Image.Image:
    message = Message.objects.get()
    with message.photo.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    image.raw = data
    return image


def test_the_fixture_really_has_gps_data():
    exif = Image.open(io.BytesIO(_jpeg_with_gps())).getexif()
    assert exif.get_ifd(GPS)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert exif[ExifTags.Base.Model] == "Handy 3000"


def test_exif_and_gps_are_stripped_from_a_jpeg(client, office):
    response = _send(client, "IMG_2041 Lindenallee.jpg", _jpeg_with_gps(), "image/jpeg")
    assert response.status_code == 200
    image = _stored()
    assert image.format == "JPEG"
    assert image.size == (40, 20)
    assert len(image.getexif()) == 0
    assert image.getexif().get_ifd(GPS) == {}
    assert "exif" not in image.info
    assert b"Exif" not in image.raw
    assert b"Handy 3000" not in image.raw
    assert b"Kamerahersteller" not in image.raw


def test_the_file_name_is_not_kept(client, office):
    _send(client, "IMG_2041 Anna Anwohnerin.jpg", _jpeg_with_gps(), "image/jpeg")
    name = Message.objects.get().photo.name
    assert "Anna" not in name and "IMG_2041" not in name
    assert name.startswith("inbox/") and name.endswith(".jpg")


def test_a_rotated_photo_is_turned_upright_before_its_orientation_goes(client, office):
    _send(client, "hoch.jpg", _jpeg_with_gps(size=(40, 20), orientation=6), "image/jpeg")
    image = _stored()
    assert image.size == (20, 40)
    assert ExifTags.Base.Orientation not in image.getexif()


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_text_and_exif_chunks_are_stripped_from_png_and_webp(client, office, kind):
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Handy 3000"
    buffer = io.BytesIO()
    extra = {"exif": exif}
    if kind == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Anna Anwohnerin")
        extra["pnginfo"] = info
    Image.new("RGBA", (8, 8), (0, 90, 60, 128)).save(buffer, format=kind, **extra)
    assert b"Handy 3000" in buffer.getvalue()
    _send(client, f"x.{kind.lower()}", buffer.getvalue(), f"image/{kind.lower()}")
    image = _stored()
    assert image.format == kind
    assert image.mode == "RGBA"  # transparency is kept
    assert b"Handy 3000" not in image.raw
    assert b"Anna Anwohnerin" not in image.raw
    assert len(image.getexif()) == 0
