"""The public newsroom: what an office has published, readable by anyone, without cookies,
scripts or anything loaded from another host. Only public posts ever appear."""

from __future__ import annotations

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from rathaus.lib import follow_links
from rathaus.newsroom import caching, errors, sharing
from rathaus.newsroom import search as searching
from rathaus.newsroom.paging import page_of
from rathaus.offices.models import Office
from rathaus.posts.models import Category, Post, Tag


def _office(slug: str) -> Office:
    return get_object_or_404(Office, slug=slug)


def _public(office: Office):
    return Post.objects.public().filter(office=office)


def _page(
    request: HttpRequest, office: Office, template: str, status: int = 200, **context
) -> HttpResponse:
    context |= {
        "office": office,
        "categories": list(Category),
        "canonical_url": sharing.canonical_url(request, office),
    }
    return render(request, f"newsroom/{template}", context, status=status)


@require_safe
@caching.site_page
def offices(request: HttpRequest) -> HttpResponse:
    return render(request, "newsroom/offices.html", {"offices": Office.objects.all()})


@require_safe
@caching.office_page
def index(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    page = page_of(_public(office), request)
    # Registered by the channels that know the accounts (lib.follow_links).
    follow = follow_links.for_office(office)
    return _page(request, office, "index.html", page=page, follow_links=follow)


@require_safe
@caching.office_page
def category(request: HttpRequest, slug: str, category: str) -> HttpResponse:
    office = _office(slug)
    found = Category.by_slug(category)
    if found is None:
        raise Http404
    page = page_of(_public(office).filter(category=found), request)
    return _page(request, office, "category.html", page=page, category=found)


@require_safe
@caching.office_page
def tag(request: HttpRequest, slug: str, tag: str) -> HttpResponse:
    office = _office(slug)
    found = get_object_or_404(Tag, office=office, slug=tag)
    page = page_of(_public(office).filter(tags=found), request)
    return _page(request, office, "tag.html", page=page, tag=found)


@require_safe
@caching.office_page
def search(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    query = request.GET.get("q", "").strip()[:200]
    page = page_of(searching.search_posts(office, query), request) if query else None
    return _page(request, office, "search.html", page=page, query=query)


@require_safe
@caching.office_page
def events(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    upcoming = _public(office).filter(event_start__gte=timezone.now()).order_by("event_start")
    return _page(request, office, "events.html", page=page_of(upcoming, request))


@require_safe
@caching.office_page
def privacy(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    return _page(request, office, "privacy.html")


@require_safe
@caching.office_page
def imprint(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    return _page(request, office, "imprint.html")


@require_safe
@caching.office_page
def post(request: HttpRequest, slug: str, pk: int, post_slug: str) -> HttpResponse:
    office = _office(slug)
    found = (
        Post.objects.filter(office=office, pk=pk)
        .select_related("office")
        .prefetch_related("images")
        .first()
    )
    if found is None or not (found.is_public or found.status == Post.Status.WITHDRAWN):
        raise Http404
    if found.status == Post.Status.WITHDRAWN:
        # 410 tells readers and search engines the post existed and is gone on purpose.
        return errors.page(request, 410, "withdrawn.html", office=office, post=found)
    if post_slug != found.slug:
        return HttpResponsePermanentRedirect(found.get_absolute_url())
    return _page(
        request,
        office,
        "post.html",
        post=found,
        category=Category(found.category),
        images=found.images.all(),
        tags=found.tags.all(),
        share_url=office.public_url(found.get_absolute_url(), request=request),
        card=sharing.post_card(request, office, found),
    )
