"""The calendar week: an office's posts and events by local day and hour, and the free hours
an editor can start a post in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.utils import timezone

from rathaus.desk.month import Entry, Keep, collect
from rathaus.offices import local_time
from rathaus.offices.models import Office
from rathaus.posts.models import FixedSlot

# The hours every week shows; an entry at another hour (a post at 00:30) adds its row.
WORKING_HOURS = range(7, 20)


@dataclass
class Slot:
    at: datetime  # local wall-clock start of the hour, without zone
    entries: list[Entry] = field(default_factory=list)
    # False in the hour the spring switch skips (02:00 on the last Sunday of March): no post
    # can be planned there, so the slot offers none.
    exists: bool = True
    future: bool = False
    fixed: list[FixedSlot] = field(default_factory=list)  # the office's weekly times here

    @property
    def value(self) -> str:
        """The time as the post form's ``publish_at`` takes it."""
        return self.at.strftime("%Y-%m-%dT%H:%M")

    @property
    def new_post_query(self) -> str:
        """What the "+" link hands the post form: this hour, or the fixed slot's exact
        time and category."""
        query = {"publish_at": self.value}
        if self.fixed:
            first = self.fixed[0]
            query["publish_at"] = datetime.combine(self.at.date(), first.time).strftime(
                "%Y-%m-%dT%H:%M"
            )
            if first.category:
                query["category"] = first.category
        return urlencode(query, safe=":")

    @property
    def open(self) -> bool:
        """Free, real and still ahead: a new post can be planned here."""
        return self.exists and self.future and not self.entries


@dataclass
class Week:
    monday: date
    days: list[date]
    rows: list[tuple[int, list[Slot]]]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def entries(self) -> list[Entry]:
        return [entry for _hour, slots in self.rows for slot in slots for entry in slot.entries]


def parse(value: str | None, office: Office) -> date:
    """The Monday of ``YYYY-Www`` (as ``<input type="week">`` sends it) or of the week of
    ``YYYY-MM-DD``; of this week (in the office's zone) otherwise."""
    value = (value or "").strip()
    try:
        if "-W" in value:
            year, week = value.split("-W")
            found = date.fromisocalendar(int(year), int(week), 1)
        else:
            found = date.fromisoformat(value)
        if 1900 <= found.year <= 2200:
            return found - timedelta(days=found.weekday())
    except (ValueError, OverflowError):
        pass
    today = local_time.utc_to_local(timezone.now(), office.zone).date()
    return today - timedelta(days=today.weekday())


def _exists(moment: datetime, office: Office) -> bool:
    try:
        local_time.local_to_utc(moment, office.zone)
    except (local_time.NonexistentTime, local_time.OutOfRange):
        return False
    return True


def build(office: Office, monday: date, keep: Keep | None = None) -> Week:
    days = [monday + timedelta(days=offset) for offset in range(7)]
    # Midnight exists in Europe's zones; the switches happen at 02:00/03:00.
    start = local_time.local_to_utc(datetime.combine(monday, time()), office.zone)
    end = local_time.local_to_utc(
        datetime.combine(days[-1] + timedelta(days=1), time()), office.zone
    )
    by_day = collect(office, start, end, keep)
    fixed = list(FixedSlot.objects.filter(office=office))
    hours = sorted(
        set(WORKING_HOURS)
        | {e.at.hour for entries in by_day.values() for e in entries}
        | {slot.time.hour for slot in fixed}
    )
    now = timezone.now()
    rows = []
    for hour in hours:
        slots = []
        for day in days:
            at = datetime.combine(day, time(hour))
            exists = _exists(at, office)
            slot = Slot(
                at=at,
                entries=[e for e in by_day.get(day, []) if e.at.hour == hour],
                exists=exists,
                future=exists and local_time.local_to_utc(at, office.zone) > now,
                fixed=[f for f in fixed if f.weekday == day.weekday() and f.time.hour == hour],
            )
            slots.append(slot)
        rows.append((hour, slots))
    return Week(monday=monday, days=days, rows=rows)
