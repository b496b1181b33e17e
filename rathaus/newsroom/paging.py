"""Pages of posts without counting them: counting 100,000 search matches costs more than
showing twenty of them, and readers only ever need "newer" and "older".

A page is read in two steps, ids first and then the rows: sorting thousands of candidate
ids can use the index alone, while sorting whole rows would read every long body."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

from rathaus.posts.models import Post

PAGE_SIZE = 20
MAX_PAGE = 5000


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def page_of(posts: QuerySet[Post], request: HttpRequest, size: int | None = None) -> Page:
    size = size or PAGE_SIZE
    number = page_number(request)
    start = (number - 1) * size
    # One id more than shown tells whether an older page exists.
    ids = list(posts.values_list("pk", flat=True)[start : start + size + 1])
    # The teasers show each post's first image: one query for all of them.
    rows = Post.objects.select_related("office").prefetch_related("images").in_bulk(ids[:size])
    return Page(items=[rows[pk] for pk in ids[:size]], number=number, has_next=len(ids) > size)
