"""One URL for people and servers: Mastodon asks for ActivityStreams JSON, a browser for
HTML. A browser goes to the newsroom; the JSON answers in the type that was asked for."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def _media_types(request: HttpRequest) -> list[str]:
    accept = request.headers.get("Accept", "")
    return [part.split(";")[0].strip().lower() for part in accept.split(",")]


def json_type(request: HttpRequest) -> str | None:
    """The content type to answer with, or None when the client wants a web page."""
    types = _media_types(request)
    if ACTIVITY_JSON in types:
        return ACTIVITY_JSON
    if "application/ld+json" in types:
        return LD_JSON
    return None


def activity_response(
    obj: dict, content_type: str = ACTIVITY_JSON, status: int = 200
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(obj, ensure_ascii=False), content_type=content_type, status=status
    )
    patch_vary_headers(response, ("Accept",))
    return response
