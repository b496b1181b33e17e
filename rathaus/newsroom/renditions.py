"""A post's image as JPEG, for platforms that fetch images by address and take JPEG only
(Instagram). Made from the stored original on request; public posts only, no cookies."""

from __future__ import annotations

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from PIL import Image

from rathaus.posts.models import PostImage

# Instagram's widest image; larger ones are scaled down there anyway.
MAX_WIDTH = 1440


def jpeg(data: bytes) -> bytes:
    """``data`` (any image Pillow reads) as a JPEG without metadata, transparency on white."""
    with Image.open(io.BytesIO(data)) as picture:
        picture.load()
        if picture.mode in ("RGBA", "LA", "P"):
            picture = picture.convert("RGBA")
            flat = Image.new("RGB", picture.size, (255, 255, 255))
            flat.paste(picture, mask=picture.getchannel("A"))
            picture = flat
        else:
            picture = picture.convert("RGB")
        if picture.width > MAX_WIDTH:
            height = round(picture.height * MAX_WIDTH / picture.width)
            picture = picture.resize((MAX_WIDTH, height))
        out = io.BytesIO()
        picture.save(out, format="JPEG", quality=90)
        return out.getvalue()


@require_safe
def image_jpeg(request: HttpRequest, office: str, pk: int, image: int) -> HttpResponse:
    found = get_object_or_404(
        PostImage.objects.select_related("post"), pk=image, post_id=pk, post__office__slug=office
    )
    if not found.post.is_public:
        raise Http404
    with found.image.open("rb") as file:
        body = jpeg(file.read())
    response = HttpResponse(body, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
