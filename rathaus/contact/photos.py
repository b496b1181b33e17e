"""The citizen's own photos on the follow page. Uploads are private (no URL serves them):
the photo is handed out only with the follow link's signed token, and only the photos of
messages the follow page shows."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from rathaus.contact import follow
from rathaus.offices.models import Office

# The formats inbox.photos writes, by the suffix it gives them.
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@require_safe
def follow_photo(request: HttpRequest, slug: str, token: str, message: int) -> HttpResponse:
    try:
        conversation = follow.conversation_for(get_object_or_404(Office, slug=slug), token)
    except (follow.LinkExpired, follow.LinkInvalid):
        raise Http404 from None
    found = follow.visible_messages(conversation).filter(pk=message).first()
    if found is None or not found.photo:
        raise Http404
    content_type = PHOTO_TYPES.get(found.photo.name.rpartition(".")[2].lower())
    if content_type is None:
        raise Http404
    try:
        file = found.photo.storage.open(found.photo.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(file, content_type=content_type)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
