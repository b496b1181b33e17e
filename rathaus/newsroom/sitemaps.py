"""sitemap.xml: every public post and the standing pages of every office.

Locations are paths on the host that serves the sitemap, as the protocol requires; an
office with its own public host is served by the same application there.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from rathaus.newsroom import caching
from rathaus.offices.models import Office
from rathaus.posts.models import Post

OFFICE_PAGES = ("newsroom:index", "newsroom:events", "newsroom:imprint", "newsroom:privacy")


class PostSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return (
            Post.objects.public()
            .select_related("office")
            .only("pk", "title", "published_at", "corrected_at", "office__slug")
            .order_by("pk")
        )

    def location(self, post: Post) -> str:
        return post.get_absolute_url()

    def lastmod(self, post: Post):
        return post.corrected_at or post.published_at


class OfficeSitemap(Sitemap):
    def items(self) -> list[tuple[str, str]]:
        slugs = Office.objects.values_list("slug", flat=True)
        return [(name, slug) for slug in slugs for name in OFFICE_PAGES]

    def location(self, item: tuple[str, str]) -> str:
        name, slug = item
        return reverse(name, args=[slug])


SITEMAPS = {"offices": OfficeSitemap, "posts": PostSitemap}


@require_safe
@caching.site_page
def index(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="newsroom:sitemap")
    response.render()
    return response


@require_safe
@caching.site_page
def section(request: HttpRequest, section: str) -> HttpResponse:
    response = sitemap_views.sitemap(request, SITEMAPS, section=section)
    response.render()
    return response
