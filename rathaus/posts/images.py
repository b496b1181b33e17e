"""A post's images: what an upload must be, and the one public rendition made from it.

The original stays private (settings.MEDIA_ROOT is served by no URL). The public gets a
JPEG without metadata, at most RENDITION_WIDTH wide, rendered once in the worker when the
post is published (newsroom channel) and then served as a file: a request never decodes an
image, so a big upload cannot make public requests slow or the web worker large.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from rathaus.posts.models import Post, PostImage

logger = logging.getLogger(__name__)

# What Pillow calls the formats we take, and the suffix the original is stored with. MPO is
# how Pillow reads many phones' JPEGs (a JPEG with a second, stereo frame); GIF and
# animated WebP give their first frame. SVG is not an image Pillow reads: it can carry
# scripts, so it stays out.
FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
# Instagram's widest image; wider ones only cost bytes in a newsroom column.
RENDITION_WIDTH = 1440
# Anything Pillow raises for a file that is not a readable image.
_UNREADABLE = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
)


class ImageRejected(ValidationError):
    """An upload that is too big, not an image, or not one of FORMATS."""


def max_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def max_pixels() -> int:
    return settings.UPLOAD_MAX_MEGAPIXELS * 1_000_000


def checked(upload: UploadedFile) -> str:
    """The suffix to store ``upload`` under, once it is a readable JPEG, PNG, WebP or GIF
    within the byte and pixel limits; ImageRejected otherwise. The pixels are counted from
    the header before anything is decoded (the decompression-bomb case)."""
    if upload.size is not None and upload.size > max_bytes():
        raise ImageRejected(
            _("The image is larger than %(limit)d MB. Please make it smaller.")
            % {"limit": settings.UPLOAD_MAX_MB},
            code="size",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in FORMATS:
                raise ImageRejected(
                    _("Please upload a JPEG, PNG, WebP or GIF image."), code="format"
                )
            if image.width * image.height > max_pixels():
                raise ImageRejected(
                    _(
                        "The image has %(pixels)s megapixels; at most %(limit)d are taken. "
                        "Please make it smaller."
                    )
                    % {
                        "pixels": f"{image.width * image.height / 1_000_000:.1f}",
                        "limit": settings.UPLOAD_MAX_MEGAPIXELS,
                    },
                    code="pixels",
                )
            suffix = FORMATS[image.format]
            image.load()  # a truncated or broken file fails here, not in the worker
    except ImageRejected:
        raise
    except _UNREADABLE as error:
        raise ImageRejected(
            _("This file is not an image we can read. Please upload a JPEG, PNG, WebP or GIF."),
            code="invalid",
        ) from error
    finally:
        upload.seek(0)
    return suffix


def jpeg(data: bytes | io.IOBase) -> bytes:
    """An image as a JPEG without metadata, upright, at most RENDITION_WIDTH wide,
    transparency on white."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with Image.open(source) as picture:
        # JPEGs decode straight at a fraction of their size: far less memory and time.
        picture.draft("RGB", (RENDITION_WIDTH, RENDITION_WIDTH * picture.height // picture.width))
        picture = ImageOps.exif_transpose(picture)
        if picture.mode in ("RGBA", "LA", "P", "PA"):
            picture = picture.convert("RGBA")
            flat = Image.new("RGB", picture.size, (255, 255, 255))
            flat.paste(picture, mask=picture.getchannel("A"))
            picture = flat
        else:
            picture = picture.convert("RGB")
        if picture.width > RENDITION_WIDTH:
            height = max(1, round(picture.height * RENDITION_WIDTH / picture.width))
            picture = picture.resize((RENDITION_WIDTH, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, format="JPEG", quality=88, optimize=True)
        return out.getvalue()


def rendition_name(image: PostImage) -> str:
    return f"renditions/{image.key}.jpg"


def rendition_path(image: PostImage) -> Path:
    return Path(default_storage.path(rendition_name(image)))


def render(image: PostImage) -> bool:
    """Make the image's public JPEG if it is not there yet; True if it was made."""
    target = rendition_path(image)
    if target.exists():
        return False
    with image.image.open("rb") as file:
        body = jpeg(file)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: two workers rendering at once each leave a whole file,
    # and a request never reads half of one.
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.chmod(temporary, 0o600)
    os.replace(temporary, target)
    return True


def render_post(post_id: int) -> int:
    """Every missing rendition of a public post's images; how many were made. An image
    that cannot be read is logged and skipped (its address keeps answering 404)."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.is_public:
        return 0
    made = 0
    for image in post.images.all():
        try:
            made += render(image)
        except (*_UNREADABLE, FileNotFoundError):
            logger.exception("Could not render image %s of post %s", image.pk, post_id)
    return made


def forget_renditions(post: Post) -> None:
    """Remove a post's public JPEGs (after a withdrawal); rendered again if it returns."""
    for image in post.images.all():
        rendition_path(image).unlink(missing_ok=True)
