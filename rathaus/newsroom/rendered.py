"""The newsroom's pages that are rendered ahead (rendering.pages): the first page of every
list, every public post with its images, the standing pages and the feeds. Later pages of a
list (``?page=2``) and the search stay dynamic, answered through the page cache."""

from __future__ import annotations

from django.urls import reverse

from rathaus.offices.models import Office
from rathaus.posts.models import Category, Post, Tag

STANDING = (
    "newsroom:index",
    "newsroom:events",
    "newsroom:privacy",
    "newsroom:imprint",
    "newsroom:accessibility",
    "newsroom:rss",
    "newsroom:atom",
    "newsroom:calendar",
)


def site() -> list[str]:
    sections = [reverse("newsroom:sitemap", args=[name]) for name in ("offices", "posts")]
    return [reverse("newsroom:offices"), reverse("newsroom:sitemap-index"), *sections]


def office(office: Office) -> list[str]:
    names = list(STANDING)
    # Pages that answer only when filled in: asking for the others would render a 404.
    names += ["newsroom:easy-language"] if office.has_easy_language else []
    names += ["newsroom:sign-language"] if office.has_sign_language else []
    names += ["newsroom:logo"] if office.logo else []
    found = [reverse(name, args=[office.slug]) for name in names]
    found += [reverse("newsroom:category", args=[office.slug, c.slug]) for c in Category]
    return found


def post(post: Post) -> list[str]:
    # Not public (withdrawn): nothing, so that its pages are removed. The withdrawn post's
    # own address then reaches Django, which answers 410 with the reason.
    if not post.is_public:
        return []
    slug = post.office.slug
    images = [
        reverse("newsroom:image-jpeg", args=[slug, post.pk, i.key]) for i in post.images.all()
    ]
    return [post.get_absolute_url(), *images]


def tag(tag: Tag) -> list[str]:
    return [reverse("newsroom:tag", args=[tag.office.slug, tag.slug])]
