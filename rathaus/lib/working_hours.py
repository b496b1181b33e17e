"""Counting working hours: an office's periods per weekday in its own time zone, without
weekends (days without periods) and without the public holidays of its state.

Periods are wall-clock times ("08:00"–"16:00"), so Monday 8:00 is 8:00 in winter and in
summer. Each boundary becomes a real instant on its own; the time *between* two boundaries
is then real elapsed time. That decides the two daylight-saving nights:

- A boundary the clock never shows (the skipped March hour) is the moment the clock jumps
  past it, so a period 01:00–03:00 on that night lasts one real hour, 02:00–03:00 none.
- A period runs from the *first* time the clock shows its start to the *last* time it shows
  its end (the repeated October hour), so 01:00–03:00 on that night lasts three real hours,
  and a 00:00–24:00 day lasts 23 hours in March and 25 in October.

Framework-free: the office's settings come in as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# An office without a single working period would make every target endless.
MAX_DAYS_WITHOUT_WORK = 400
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

Periods = dict[int, list[tuple[int, int]]]


def _minutes(value: object) -> int:
    match = _TIME.match(value) if isinstance(value, str) else None
    minutes = int(match[1]) * 60 + int(match[2]) if match else -1
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise ValueError(f"Not a time of day as HH:MM: {value!r}")
    return minutes


def parse_working_hours(working_hours: Mapping) -> Periods:
    """``{"0": [["08:00", "16:00"]], ...}`` (0 = Monday) as sorted minute ranges per
    weekday; ValueError naming the bad entry otherwise. "24:00" is the end of the day."""
    if not isinstance(working_hours, Mapping):
        raise ValueError(f"Working hours are a mapping of weekdays: {working_hours!r}")
    periods: Periods = {day: [] for day in range(7)}
    for key, ranges in working_hours.items():
        try:
            day = int(key)
        except (TypeError, ValueError):
            day = -1
        if not 0 <= day <= 6:
            raise ValueError(f"Not a weekday (0 = Monday … 6 = Sunday): {key!r}")
        if not isinstance(ranges, list | tuple | None):
            raise ValueError(f"A weekday has a list of periods: {ranges!r}")
        for pair in ranges or []:
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ValueError(f"A period is a pair of times: {pair!r}")
            start, end = _minutes(pair[0]), _minutes(pair[1])
            if end <= start:
                raise ValueError(f"A period must end after it starts: {pair!r}")
            periods[day].append((start, end))
        periods[day].sort()
        for (_, end), (start, _) in zip(periods[day], periods[day][1:], strict=False):
            if start < end:
                raise ValueError(f"Periods overlap on weekday {day}: {ranges!r}")
    return periods


def _instant(day: date, minutes: int, zone: ZoneInfo, *, last: bool) -> datetime:
    """The real instant (UTC) of a wall-clock boundary; see the module's docstring."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    earlier = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    later = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if earlier.astimezone(zone).replace(tzinfo=None) != wall:
        # Skipped: fold=1 reads the wall time with the offset before the jump, which lands
        # before the jump; the jump itself is where the clock passes this time.
        return _jump(min(earlier, later), max(earlier, later), zone)
    return later if last else earlier


def _jump(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The instant between ``low`` and ``high`` at which ``zone``'s offset changes."""
    before = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def _periods_from(
    start: datetime,
    zone: ZoneInfo,
    periods: Periods,
    holidays: Container[date],
    until: datetime | None = None,
) -> Iterator[tuple[datetime, datetime]]:
    """Working periods as UTC instants, from the one containing ``start`` onwards (up to
    the day of ``until``, if given)."""
    day = start.astimezone(zone).date()
    last_day = until.astimezone(zone).date() if until is not None else date.max
    idle = 0
    while day <= last_day:
        ranges = [] if day in holidays else periods[day.weekday()]
        idle = 0 if ranges else idle + 1
        if idle > MAX_DAYS_WITHOUT_WORK and until is None:
            raise ValueError("The working hours contain no working time.")
        for low, high in ranges:
            begin = _instant(day, low, zone, last=False)
            end = _instant(day, high, zone, last=True)
            if end > start and end > begin:
                yield max(begin, start), end
        day += timedelta(days=1)


def add_working_hours(
    start: datetime,
    hours: float,
    *,
    zone: ZoneInfo,
    working_hours: Mapping,
    holidays: Container[date],
) -> datetime:
    """The instant (UTC) at which ``hours`` of working time have passed since ``start``.

    Time outside the periods does not count: a message on Sunday night starts counting on
    Monday at the first period. A target that ends exactly at the end of a period is due
    then, not at the start of the next one."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    start = start.astimezone(UTC)
    remaining = timedelta(hours=float(hours))
    if remaining <= timedelta(0):
        return start
    for begin, end in _periods_from(start, zone, parse_working_hours(working_hours), holidays):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable: without an end the periods never run out")


def working_hours_between(
    start: datetime,
    end: datetime,
    *,
    zone: ZoneInfo,
    working_hours: Mapping,
    holidays: Container[date],
) -> float:
    """Working hours between two instants (0 if ``end`` is not after ``start``), e.g. how
    long a first answer took in the office's own hours."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return 0.0
    total = timedelta(0)
    periods = parse_working_hours(working_hours)
    for begin, until in _periods_from(start, zone, periods, holidays, until=end):
        if begin >= end:
            break
        total += min(until, end) - begin
    return total / timedelta(hours=1)
