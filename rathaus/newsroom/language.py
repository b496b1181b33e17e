"""The reader's choice of language on the public site, carried in the address: ``/en/<office>/…``
shows the newsroom's own words (navigation, labels, notes) in English, ``/de/<office>/…`` in
German; an address without a prefix follows the browser's Accept-Language, as before.

Why the address and not Django's ``set_language``: that view keeps the choice in a cookie
(or the session), and public pages set no cookies. In the address, the choice needs no
storage, can be linked and bookmarked, and the page cache keys on it (``caching._key`` reads
the path and ``request.LANGUAGE_CODE``).

How links keep the choice without every template knowing: ``LanguageInAddressMiddleware``
takes the prefix off ``path_info`` (so the URLconf stays as it is) and puts it into the
script prefix for this request, which is what ``reverse()`` and ``{% url %}`` build every
address on. Every newsroom link on an ``/en/`` page therefore leads to an ``/en/`` page.

Posts stay in the language they were written in (``Post.language``); their content carries
``lang`` so screen readers switch, whatever the chrome around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation

from rathaus.offices.models import RESERVED_SLUGS


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def split(path_info: str) -> tuple[str | None, str]:
    """(language, rest of the path) for ``/en/mitte/…``; (None, path) where the address
    names no language or the rest is no newsroom address (the desk, the login pages, the
    admin keep their own language choice)."""
    parts = path_info.split("/", 3)
    if len(parts) < 3 or parts[1] not in codes():
        return None, path_info
    if parts[2] in RESERVED_SLUGS:
        return None, path_info
    return parts[1], path_info[len(parts[1]) + 1 :]


def chosen(request: HttpRequest) -> str | None:
    """The language the address chose, if it chose one."""
    return getattr(request, "address_language", None)


class LanguageInAddressMiddleware:
    """Before the page cache: a cache hit must already know the language and the path
    without its prefix."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language, rest = split(request.path_info)
        if language is None:
            return self.get_response(request)
        base = get_script_prefix()
        request.address_language = language
        request.unprefixed_script = base
        request.path_info = rest
        request.LANGUAGE_CODE = language
        set_script_prefix(f"{base}{language}/")
        try:
            return self.get_response(request)
        finally:
            # The prefix is per thread: the next request on it must not inherit ours.
            set_script_prefix(base)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except that a language chosen in the address wins over Accept-Language
    and the language cookie."""

    def process_request(self, request: HttpRequest) -> None:
        language = chosen(request)
        if language is None:
            super().process_request(request)
            return
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # A page whose language the address alone decides (newsroom.caching) does not vary
        # with Accept-Language: saying so would keep proxies from sharing it.
        if getattr(response, "language_from_address", False):
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


@dataclass(frozen=True)
class Choice:
    code: str
    name: str  # in its own language: a reader who cannot read the page still finds theirs
    path: str
    current: bool


def choices(request: HttpRequest) -> list[Choice]:
    """The same page in every language, for the switch and the hreflang alternates."""
    base = getattr(request, "unprefixed_script", None) or get_script_prefix()
    query = request.META.get("QUERY_STRING", "")
    current = translation.get_language()
    found = []
    for code in codes():
        path = f"{base}{code}{request.path_info}" + (f"?{query}" if query else "")
        info = translation.get_language_info(code)
        found.append(Choice(code, info["name_local"], path, code == current))
    return found


def unprefixed_path(request: HttpRequest) -> str:
    """The page's address without a language: the browser's language decides there."""
    base = getattr(request, "unprefixed_script", None) or get_script_prefix()
    return f"{base.rstrip('/')}{request.path_info}"
