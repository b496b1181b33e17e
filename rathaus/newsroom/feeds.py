"""RSS 2.0 and Atom feeds of an office (all posts or one category) and its iCal calendar.

A feed object is made per request, so it may hold the request without being shared between
threads. Links are the office's public URLs (``Office.public_url``): on its public host, or
on the host that was asked where it has none.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rathaus.lib import richtext
from rathaus.newsroom import caching, sharing
from rathaus.offices.models import Office
from rathaus.posts import images
from rathaus.posts.models import Category, Post

FEED_ITEMS = 30
CALENDAR_EVENTS = 500
CALENDAR_PAST = timedelta(days=365)


class OfficeFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, office: Office, category: Category | None) -> None:
        super().__init__()
        self.office, self.category = office, category
        self.request: HttpRequest | None = None

    def get_object(self, request: HttpRequest, *args, **kwargs) -> Office:
        self.request = request
        return self.office

    def title(self, office: Office) -> str:
        if self.category is None:
            return office.name
        return f"{office.name}: {self.category.label}"

    def description(self, office: Office) -> str:
        return office.tagline or _("News from %(office)s") % {"office": office.name}

    def subtitle(self, office: Office) -> str:
        return self.description(office)

    def link(self, office: Office) -> str:
        if self.category is None:
            return office.public_url(
                reverse("newsroom:index", args=[office.slug]), request=self.request
            )
        path = reverse("newsroom:category", args=[office.slug, self.category.slug])
        return office.public_url(path, request=self.request)

    def items(self, office: Office):
        posts = Post.objects.public().filter(office=office).select_related("office")
        if self.category is not None:
            posts = posts.filter(category=self.category)
        return posts.prefetch_related("tags", "images")[:FEED_ITEMS]

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        return post.body_html

    def item_link(self, post: Post) -> str:
        return post.office.public_url(post.get_absolute_url(), request=self.request)

    def item_pubdate(self, post: Post):
        return post.published_at

    def item_updateddate(self, post: Post):
        return post.corrected_at or post.published_at

    def item_enclosures(self, post: Post) -> list[Enclosure]:
        """The first image, so that feed readers show it beside the post; only once its
        public JPEG exists (the enclosure must say its length, and it would answer 404)."""
        image = sharing.first_image(post)
        if image is None:
            return []
        try:
            length = images.rendition_path(image).stat().st_size
        except OSError:
            return []
        url = sharing.image_url(post.office, post, image, self.request)
        return [Enclosure(url, str(length), "image/jpeg")]

    def item_categories(self, post: Post) -> list[str]:
        return [str(Category(post.category).label)] + [tag.name for tag in post.tags.all()]


class OfficeAtomFeed(OfficeFeed):
    feed_type = Atom1Feed


def _category(slug: str | None) -> Category | None:
    if slug is None:
        return None
    found = Category.by_slug(slug)
    if found is None:
        raise Http404
    return found


@require_safe
@caching.office_page
def rss(request: HttpRequest, slug: str, category: str | None = None) -> HttpResponse:
    found = get_object_or_404(Office, slug=slug)
    return OfficeFeed(found, _category(category))(request)


@require_safe
@caching.office_page
def atom(request: HttpRequest, slug: str, category: str | None = None) -> HttpResponse:
    found = get_object_or_404(Office, slug=slug)
    return OfficeAtomFeed(found, _category(category))(request)


def _event(request: HttpRequest, post: Post, host: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"post-{post.pk}@{host}")
    event.add("dtstamp", post.corrected_at or post.published_at)
    event.add("dtstart", post.event_start)
    if post.event_end:
        event.add("dtend", post.event_end)
    event.add("summary", post.title)
    event.add("description", richtext.plain_text(post.body))
    if post.place_name:
        event.add("location", post.place_name)
    if post.latitude is not None and post.longitude is not None:
        event.add("geo", (float(post.latitude), float(post.longitude)))
    event.add("url", post.office.public_url(post.get_absolute_url(), request=request))
    return event


@require_safe
@caching.office_page
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The office's events and meetings; the past year stays so subscribers keep history."""
    found = get_object_or_404(Office, slug=slug)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Rathaus//Newsroom//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", found.name)
    # UIDs must not change with the host a subscriber happened to use.
    host = urlsplit(found.public_url("/", request=request)).hostname or "localhost"
    posts = (
        Post.objects.public()
        .filter(office=found, event_start__gte=timezone.now() - CALENDAR_PAST)
        .select_related("office")
        .order_by("event_start")[:CALENDAR_EVENTS]
    )
    for post in posts:
        cal.add_component(_event(request, post, host))
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
