"""The pages BITV 2.0 asks of a public body's website, per office: the accessibility
statement (Erklärung zur Barrierefreiheit), always there and linked from every page, and
the pages in Leichte Sprache and German Sign Language (DGS), there only once the office has
written them. All three come from the office's settings; like every newsroom page they set
no cookies and load nothing from other hosts (the sign-language video is linked, never
embedded)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from rathaus.newsroom import caching, views


@require_safe
@caching.office_page
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    office = views._office(slug)
    # The statement names the website it covers: the newsroom's address on the public host.
    website = office.public_url(reverse("newsroom:index", args=[office.slug]), request=request)
    return views._page(request, office, "accessibility.html", website=website)


@require_safe
@caching.office_page
def easy_language(request: HttpRequest, slug: str) -> HttpResponse:
    office = views._office(slug)
    if not office.has_easy_language:
        raise Http404
    return views._page(request, office, "easy_language.html")


@require_safe
@caching.office_page
def sign_language(request: HttpRequest, slug: str) -> HttpResponse:
    office = views._office(slug)
    if not office.has_sign_language:
        raise Http404
    return views._page(request, office, "sign_language.html")
