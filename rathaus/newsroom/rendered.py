"""The newsroom's pages that are rendered ahead (rendering.pages): the first page of every
list, every public post with its images, the standing pages and the feeds. Later pages of a
list (``?page=2``) and the search stay dynamic, answered through the page cache."""

from __future__ import annotations

from django.urls import reverse

from rathaus.offices.models import Office
from rathaus.posts.models import Category, Post, Tag

ALWAYS = ("newsroom:index", "newsroom:rss", "newsroom:atom")
EVENTS = ("newsroom:events", "newsroom:calendar")


def site() -> list[str]:
    sections = [reverse("newsroom:sitemap", args=[name]) for name in ("offices", "posts")]
    return [reverse("newsroom:offices"), reverse("newsroom:sitemap-index"), *sections]


def lists(office: Office, posts: list[Post] | None) -> list[str]:
    """The lists ``posts`` appear in (all lists with None): a new press release changes the
    front page, the feeds and its category, not the seven other categories."""
    names = list(ALWAYS)
    if posts is None or any(post.event_start for post in posts):
        names += EVENTS
    found = [reverse(name, args=[office.slug]) for name in names]
    categories = Category if posts is None else {Category(p.category) for p in posts if p.category}
    found += [reverse("newsroom:category", args=[office.slug, c.slug]) for c in categories]
    return found


def standing(office: Office) -> list[str]:
    names = ["newsroom:privacy", "newsroom:imprint", "newsroom:accessibility"]
    # Pages that answer only when filled in: asking for the others would render a 404.
    names += ["newsroom:easy-language"] if office.has_easy_language else []
    names += ["newsroom:sign-language"] if office.has_sign_language else []
    names += ["newsroom:logo"] if office.logo else []
    return [reverse(name, args=[office.slug]) for name in names]


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
