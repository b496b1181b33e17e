"""Pages of a list without counting it: counting 100,000 search matches costs more than
showing twenty of them, and readers only ever need "newer" and "older"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

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


def page_of(queryset: QuerySet, request: HttpRequest, size: int = PAGE_SIZE) -> Page:
    number = page_number(request)
    start = (number - 1) * size
    # One row more than shown tells whether an older page exists.
    items = list(queryset[start : start + size + 1])
    return Page(items=items[:size], number=number, has_next=len(items) > size)
