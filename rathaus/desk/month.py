"""The calendar month: scheduled, published and event dates of an office, by local day."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.offices import local_time
from rathaus.offices.models import Office
from rathaus.posts.models import PUBLIC_STATUSES, Post

KINDS = {
    "scheduled": _("Scheduled"),
    "published": _("Published"),
    "event": _("Event"),
}


@dataclass(frozen=True)
class Entry:
    kind: str
    at: datetime  # local to the office
    post: Post

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


@dataclass
class Day:
    date: date
    in_month: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Month:
    first: date
    weeks: list[list[Day]]

    @property
    def previous(self) -> date:
        return (self.first.replace(day=1) - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first.replace(day=28) + timedelta(days=4)).replace(day=1)


def parse(value: str | None, office: Office) -> date:
    """``YYYY-MM`` from the query string; this month (in the office's zone) otherwise."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1900 <= year <= 2200:
            return date(year, month, 1)
    except (ValueError, OverflowError):  # "2026-99999999999999999999" is too big for date()
        pass
    return local_time.utc_to_local(timezone.now(), office.zone).date().replace(day=1)


def _bounds(first: date, office: Office) -> tuple[datetime, datetime]:
    last = calendar.monthrange(first.year, first.month)[1]
    after = date(first.year, first.month, last) + timedelta(days=1)
    # Midnight always exists in Europe's zones; the switches happen at 02:00/03:00.
    start = local_time.local_to_utc(datetime.combine(first, time()), office.zone)
    end = local_time.local_to_utc(datetime.combine(after, time()), office.zone)
    return start, end


Keep = Callable[[Post], bool]


def collect(
    office: Office, start: datetime, end: datetime, keep: Keep | None = None
) -> dict[date, list[Entry]]:
    """Scheduled, published and event entries between ``start`` and ``end`` (UTC), by the
    office's local day and sorted by time; ``keep`` drops posts a filter does not want."""
    posts = Post.objects.filter(office=office)
    sources = [
        ("scheduled", "publish_at", posts.filter(status=Post.Status.SCHEDULED)),
        ("published", "published_at", posts.filter(status__in=PUBLIC_STATUSES)),
        ("event", "event_start", posts.exclude(status=Post.Status.WITHDRAWN)),
    ]
    entries: dict[date, list[Entry]] = defaultdict(list)
    for kind, name, queryset in sources:
        for post in queryset.filter(**{f"{name}__gte": start, f"{name}__lt": end}):
            if keep is not None and not keep(post):
                continue
            local = local_time.utc_to_local(getattr(post, name), office.zone)
            entries[local.date()].append(Entry(kind, local, post))
    for day in entries.values():
        day.sort(key=lambda entry: entry.at)
    return entries


def build(office: Office, first: date, keep: Keep | None = None) -> Month:
    start, end = _bounds(first, office)
    entries = collect(office, start, end, keep)
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    return Month(
        first=first,
        weeks=[[Day(d, d.month == first.month, entries.get(d, [])) for d in w] for w in weeks],
    )
