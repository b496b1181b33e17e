"""Keep private pages out of every cache.

Desk, admin and account pages show citizens' messages, drafts and staff accounts. With no
Cache-Control a browser may keep them on disk (a shared office PC, the back button after
logging out) and a proxy may keep them for everybody. This middleware marks them
``no-store``: everything under the private prefixes, any response that sets a cookie, and
any other response that used the visitor's session (a page that depends on who asks is
nobody else's page) unless its view declared it public. The newsroom's pages are public.

It only reads the request's path and the response, so it lives in ``lib``; it sits before
the newsroom's page cache so that it sees every response, and before the session middleware
so that it sees whether the session was used.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PRIVATE_PREFIXES = ("/desk/", "/admin/", "/accounts/")


def is_private(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith(PRIVATE_PREFIXES) or response.cookies:
        return True
    if "public" in _directives(response):
        return False  # the view vouches that everybody gets the same page (the newsroom)
    # Middleware reads the session on every request (who is logged in?); without a session
    # cookie there is nothing personal in it, so only a visitor's own session counts.
    session = getattr(request, "session", None)
    has_cookie = settings.SESSION_COOKIE_NAME in request.COOKIES
    return bool(has_cookie and session is not None and session.accessed)


def _directives(response: HttpResponse) -> set[str]:
    return {
        part.strip().split("=", 1)[0].lower()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request, response) and "no-store" not in _directives(response):
            # no-store outranks any max-age a view set (e.g. for a member's image);
            # private replaces public.
            patch_cache_control(response, private=True, no_store=True)
        return response
