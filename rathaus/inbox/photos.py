"""A citizen's photo, from the contact form or a mail: checked to be a real JPEG, PNG or
WebP, then drawn anew into a clean file. Only the pixels survive; EXIF (camera, time, GPS
position), XMP, ICC profiles, text chunks and any trailing data are left behind."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# A small file can still unpack into a huge image ("decompression bomb").
MAX_PIXELS = 40_000_000
# Kept at most this long on its longer side: enough to read a sign or see a pothole, and the
# form is public, so what one anonymous request may make the server hold stays small.
MAX_SIDE = 4096
FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}


def _opened(upload: UploadedFile) -> Image.Image:
    """The photo, decoded at most MAX_SIDE long. The pixels are counted from the header
    before anything is decoded (a decompression bomb never unpacks); no process-wide
    warning filter, which other threads of the web server would share."""
    upload.seek(0)
    try:
        probe = Image.open(upload)
        if probe.format not in FORMATS:
            raise ValidationError(_("Please send a JPEG, PNG or WebP photo."), code="format")
        if probe.width * probe.height > MAX_PIXELS:
            raise ValidationError(_("The photo has too many pixels."), code="pixels")
        probe.verify()  # checks the structure; the image is unusable afterwards
        upload.seek(0)
        image = Image.open(upload)
        # A JPEG decodes straight at a half, quarter or eighth of its size.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(
            _("This file is not a photo we can read. Please send a JPEG, PNG or WebP file."),
            code="invalid",
        ) from error
    return image


def cleaned(upload: UploadedFile) -> ContentFile:
    """A new file with the photo's pixels only; raises ValidationError for anything that is
    too big, not an image, or not one of the allowed formats."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."), code="size")
    image = _opened(upload)
    kind = "JPEG" if image.format == "MPO" else image.format
    # The EXIF orientation goes with the metadata, so turn the pixels upright first.
    ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of a big photo
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha and kind != "JPEG" else "RGB")
    # A fresh image: nothing of the original's info (exif, icc_profile, xmp, text) comes
    # along, whatever a format's writer would otherwise copy from it.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    del image
    buffer = io.BytesIO()
    if kind == "JPEG":
        clean.save(buffer, format="JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        # zlib's default level: "optimize" took seconds of a public request for a big photo.
        clean.save(buffer, format="PNG")
    else:
        clean.save(buffer, format="WEBP", quality=85)
    # A random name: the photo is reachable by its URL, so the name must not be guessable
    # and must not carry the citizen's own file name.
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[kind]}")


def without_metadata(data: bytes) -> ContentFile | None:
    """The same for bytes from elsewhere (a mail attachment); None where a form would
    show an error: such an attachment is simply not kept."""
    try:
        return cleaned(SimpleUploadedFile("photo", data))
    except ValidationError:
        return None
