"""What a newsroom page tells those who link to it: its canonical address, and for a post
the title, a short description and the first image, as Open Graph and Twitter-card meta
tags. Messengers and platforms read these to show a preview of a shared link; no script
and nothing from another host is involved. Every address is absolute and on the office's
public host (``Office.public_url``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import Truncator

from rathaus.lib import richtext
from rathaus.offices.models import Office
from rathaus.posts.models import Post, PostImage

DESCRIPTION_CHARS = 200


def canonical_url(request: HttpRequest, office: Office) -> str:
    """The page's address on the office's public host; a later page of a list keeps its
    number, the other query parameters (search words) do not make a page of their own."""
    path = request.path
    number = request.GET.get("page", "")
    if number.isdigit() and int(number) > 1:
        path = f"{path}?page={int(number)}"
    return office.public_url(path, request=request)


def first_image(post: Post) -> PostImage | None:
    """The post's first image; reads prefetched images without another query."""
    images = post.images.all()
    return images[0] if images else None


def image_url(office: Office, post: Post, image: PostImage, request: HttpRequest | None) -> str:
    path = reverse("newsroom:image-jpeg", args=[office.slug, post.pk, image.key])
    return office.public_url(path, request=request)


def description(post: Post) -> str:
    """The post's teaser: the start of its text as a reader sees it, without markup."""
    return Truncator(richtext.excerpt(post.body_html)).chars(DESCRIPTION_CHARS)


def post_card(request: HttpRequest, office: Office, post: Post) -> dict[str, str]:
    """The meta tags' values for one post page."""
    image = first_image(post)
    return {
        "title": post.title,
        "description": description(post),
        "image": image_url(office, post, image, request) if image else "",
        "image_alt": image.alt_text if image else "",
        "type": "article",
    }
