"""Wall-clock times in an office's time zone, and the two nights a year they are tricky.

A time typed into the desk is local to the office. In the March night (02:00–03:00 in
Germany) such a time does not exist; in the October night 02:00–03:00 happens twice.
We refuse the first with a clear message and take the earlier (summer-time) instant for the
second, and say so, rather than guess silently.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _


class NonexistentTime(ValueError):
    """The wall-clock time is skipped by a daylight-saving switch."""


class OutOfRange(ValueError):
    """The time lies so close to year 1 or 9999 that the zone's offset leaves the calendar."""


def is_ambiguous(local: datetime, zone: ZoneInfo) -> bool:
    """True when the wall-clock time happens twice (the autumn switch)."""
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    return first.utcoffset() != second.utcoffset()


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Convert a naive wall-clock time in ``zone`` to an aware UTC datetime."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    candidate = local.replace(tzinfo=zone, fold=0)
    # A skipped time does not survive the round trip through UTC unchanged.
    try:
        round_trip = candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:
        raise OutOfRange(
            _("%(time)s cannot be converted to UTC.") % {"time": local.isoformat()}
        ) from None
    if round_trip != local:
        raise NonexistentTime(
            _("%(time)s does not exist in %(zone)s: the clocks skip this hour.")
            % {"time": local.strftime("%d.%m.%Y %H:%M"), "zone": zone.key}
        )
    return candidate.astimezone(UTC)


def utc_to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)
