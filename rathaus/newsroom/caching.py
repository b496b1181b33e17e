"""Server-side page cache and HTTP caching for the public newsroom.

A page is cached under its path (with the language prefix of newsroom.language, if the
address has one), the query parameters the views read, the language and the office's
content_version. The language is the address's (newsroom.language): German at the plain
address, English under /en/, never Accept-Language, so that one address is one page and
the rendered copy of it (rendering) is the same page. Publishing, correcting or
withdrawing bumps that version (Office.touch), so the next request renders afresh without
anyone deleting keys. A hit costs one small query for the office row and one cache read,
answered by CachedPageMiddleware before the rest of the middleware runs.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from rathaus.newsroom import language
from rathaus.offices.models import RESERVED_SLUGS, Office
from rathaus.rendering.renderer import RENDERING

# The only query parameters the newsroom views read; others must not split the cache.
PARAMETERS = ("page", "q")
CACHEABLE = {200, 410}
OFFICE_VERSION = f"SELECT id, content_version FROM {Office._meta.db_table} WHERE slug = %s"  # noqa: S608

VERSION_SECONDS = 1.0
_versions: dict[str, tuple[float, tuple[int, int]]] = {}

View = Callable[..., HttpResponse]


def _key(request: HttpRequest, version: str) -> str:
    parts = [request.path, getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)]
    parts += [request.GET.get(name, "") for name in PARAMETERS]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"newsroom:{version}:{digest}"


def _entry(response: HttpResponse) -> tuple:
    content = response.content
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    return (response.status_code, content, response["Content-Type"], etag, int(time.time()))


def address_language(request: HttpRequest) -> str:
    """The page's language: the one its address names, else the site's (German)."""
    return language.chosen(request) or settings.LANGUAGE_CODE


def _by_address(response: HttpResponse) -> HttpResponse:
    # Not by Accept-Language: LocaleMiddleware must not add "Vary: Accept-Language".
    response.language_from_address = True
    return response


def _respond(request: HttpRequest, entry: tuple) -> HttpResponse:
    status, content, content_type, etag, modified = entry
    response = _by_address(HttpResponse(content, status=status, content_type=content_type))
    if status == 200:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
    public(response)
    if status == 200:
        return get_conditional_response(
            request, etag=etag, last_modified=modified, response=response
        )
    return response


def public(response: HttpResponse) -> HttpResponse:
    """Let browsers and proxies keep the page for PAGE_CACHE_SECONDS."""
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    return response


def _serve(request: HttpRequest, version: str, render: Callable[[], HttpResponse]):
    if request.method not in ("GET", "HEAD"):
        return _by_address(render())
    key = _key(request, version)
    entry = cache.get(key)
    if entry is None:
        response = render()
        if response.status_code not in CACHEABLE or response.streaming:
            return _by_address(response)
        entry = _entry(response)
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    return _respond(request, entry)


def _office_version(slug: str, *, fresh: bool = False) -> tuple[int, int] | None:
    """(id, content_version) of the office, remembered for VERSION_SECONDS.

    On PostgreSQL the lookup is a round trip that cost more than the rest of a hit. This
    process forgets a version as soon as it bumps it (content_changed); other server
    processes see a publication at most VERSION_SECONDS late. ``fresh``: not from the memo
    (the renderer must never render the page from before a publication).
    """
    now = time.monotonic()
    known = _versions.get(slug)
    if known is not None and known[0] > now and not fresh:
        return known[1]
    # Plain SQL: building the ORM query cost as much as the rest of a cache hit.
    with connection.cursor() as cursor:
        cursor.execute(OFFICE_VERSION, [slug])
        row = cursor.fetchone()
    if row is not None:  # only real offices: random paths must not grow the memo
        _versions[slug] = (now + VERSION_SECONDS, row)
    return row


def forget_version(sender: object, office: Office, **kwargs: object) -> None:
    _versions.pop(office.slug, None)


def cached_response(request: HttpRequest) -> HttpResponse | None:
    """The cached newsroom page for this request, if there is one, without any view."""
    if request.method not in ("GET", "HEAD"):
        return None
    # path_info: without the /en/ a reader may have chosen (newsroom.language).
    slug = request.path_info.split("/", 2)[1]
    if not slug or slug in RESERVED_SLUGS:
        return None
    row = _office_version(slug, fresh=RENDERING in request.META)
    if row is None:
        return None
    # The choice the view makes (office_page), which has not run yet.
    request.LANGUAGE_CODE = address_language(request)
    entry = cache.get(_key(request, f"{row[0]}.{row[1]}"))
    if entry is None:
        return None
    response = _respond(request, entry)
    # What LocaleMiddleware and XFrameOptionsMiddleware add on the full path.
    response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


class CachedPageMiddleware:
    """Answers newsroom cache hits right after WhiteNoise. A public page needs no session,
    CSRF, authentication or messages; skipping them makes a hit several times cheaper."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return cached_response(request) or self.get_response(request)


def _use_address_language(request: HttpRequest) -> None:
    request.LANGUAGE_CODE = address_language(request)
    translation.activate(request.LANGUAGE_CODE)


def office_page(view: View) -> View:
    """Cache a view whose first URL argument is the office slug."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        row = _office_version(slug, fresh=RENDERING in request.META)
        if row is None:
            raise Http404
        _use_address_language(request)
        return _serve(request, f"{row[0]}.{row[1]}", lambda: view(request, slug, *args, **kwargs))

    return wrapper


def site_page(view: View) -> View:
    """Cache a view over all offices (office list, sitemap)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _use_address_language(request)
        # A new office changes the count, a publication anywhere the sum.
        totals = Office.objects.aggregate(count=Count("pk"), versions=Sum("content_version"))
        version = f"site.{totals['count']}.{totals['versions'] or 0}"
        return _serve(request, version, lambda: view(request, *args, **kwargs))

    return wrapper
