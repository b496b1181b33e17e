"""A public post's image, as the JPEG rendered when the post was published.

The only public door to an uploaded image: it answers while the post is public (410 once it
is withdrawn, 404 otherwise), under the image's random key, and only ever sends a stored
file. A request never decodes an image; a rendition that is missing (an image uploaded
before renditions existed, a worker that was down) is asked of the worker once and answered
404 until it is there.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from rathaus.offices.models import Office
from rathaus.posts import images, tasks
from rathaus.posts.models import Post, PostImage

# The logo is stored as uploaded in the Django admin; only these are sent as what they are.
LOGO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
LOGO_TYPES |= {"webp": "image/webp"}

# How long a missing rendition waits before a request may ask the worker for it again.
RENDER_REQUEST_SECONDS = 300


def _missing(image: PostImage) -> HttpResponse:
    # In the cache every web worker shares (granian runs two): asked once, not once each.
    if caches["shared"].add(f"rendition-requested:{image.key}", 1, RENDER_REQUEST_SECONDS):
        tasks.render_images(image.post_id)
    raise Http404


@require_safe
def image_jpeg(request: HttpRequest, slug: str, pk: int, key: str) -> HttpResponse:
    found = get_object_or_404(
        PostImage.objects.select_related("post"), key=key, post_id=pk, post__office__slug=slug
    )
    if found.post.status == Post.Status.WITHDRAWN:
        return HttpResponse(status=410)
    if not found.post.is_public:
        raise Http404
    # The key names one original for ever (a new upload is a new image): it is the ETag.
    etag = f'"{found.key}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        try:
            file = images.rendition_path(found).open("rb")
        except FileNotFoundError:
            return _missing(found)
        response = FileResponse(file, content_type="image/jpeg")
    response["ETag"] = etag
    # Short, like the pages: a withdrawal reaches proxies within a page's cache time.
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    return response


@require_safe
def logo(request: HttpRequest, slug: str) -> HttpResponse:
    """The office's logo (public by nature: the newsroom's header, the accounts' icon)."""
    found = get_object_or_404(Office, slug=slug)
    content_type = (
        LOGO_TYPES.get(found.logo.name.rpartition(".")[2].lower()) if found.logo else None
    )
    if content_type is None:
        raise Http404
    try:
        file = found.logo.storage.open(found.logo.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(file, content_type=content_type)
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    return response
