"""Planned posts from a CSV file (title, text, category, time, channels) as drafts.

Read with the standard library's ``csv``: the format is plain rows, and what needs care is
ours anyway (a time in the office's zone, a category by name, the channels). Excel in
Germany writes ``;`` and Windows-1252, others ``,`` and UTF-8: both are read. A row is
either taken whole or refused with its line, field and reason; a refused row creates
nothing, and the taken ones are created together or not at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.delivery import channels, defaults
from rathaus.offices import local_time
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Office, Role
from rathaus.posts import content, lifecycle
from rathaus.posts.models import Category, Post

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
COLUMNS = ("title", "text", "category", "time", "channels")
# Headings as a German spreadsheet may have them.
ALIASES = {"titel": "title", "kategorie": "category", "zeit": "time", "kanäle": "channels"}
ALIASES |= {"kanaele": "channels", "uhrzeit": "time", "datum": "time"}
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%d.%m.%y %H:%M")
TEMPLATE = (
    "title;text;category;time;channels\n"
    "Sprechstunde der Bürgermeisterin;Am Dienstag ist die Bürgermeisterin von 10 bis 12 Uhr "
    "im Rathaus zu sprechen.;press_release;2030-01-07 10:00;newsroom\n"
)


class FileRefused(ValueError):
    """The file as a whole cannot be read (not CSV, too big, no heading)."""


@dataclass(frozen=True)
class Refusal:
    line: int
    field: str
    reason: str


@dataclass
class Planned:
    line: int
    title: str
    text: str
    category: str
    publish_at: datetime | None
    channels: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)


@dataclass
class Reading:
    planned: list[Planned]
    refused: list[Refusal]


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 1 MB."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on German Windows


def read(office: Office, text: str) -> Reading:
    """Check every row of ``text``; nothing is written."""
    if "\x00" in text:
        raise FileRefused(_("This is not a CSV file."))
    # Windows line ends, and the ones a browser sends the preview's copy back with: a text
    # of several lines keeps plain line breaks, as typed on the desk.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        heading = next(rows, None)
        if not heading:
            raise FileRefused(_("The file is empty."))
        names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in heading]
        missing = [name for name in ("title", "text") if name not in names]
        if missing:
            raise FileRefused(
                _("The first line must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        context = _Context(office)
        reading = Reading([], [])
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if len(reading.planned) + len(reading.refused) >= MAX_ROWS:
                raise FileRefused(_("At most %(rows)d posts per file.") % {"rows": MAX_ROWS})
            line = rows.line_num
            values = dict(zip(names, row, strict=False))
            if len(row) > len(names):
                reading.refused.append(Refusal(line, "", _("More cells than columns.")))
                continue
            outcome = context.check(line, values)
            target = reading.refused if isinstance(outcome, Refusal) else reading.planned
            target.append(outcome)
    except csv.Error as error:
        raise FileRefused(
            _("Line %(line)d is no CSV: %(error)s") % {"line": rows.line_num, "error": error}
        ) from None
    return reading


class _Context:
    """What checking a row needs of the office, looked up once per file."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.channels = {c.key: c for c in channels.for_office(office)}
        self.restricted = defaults.chosen(office.pk)
        self.now = timezone.now()

    def check(self, line: int, values: dict[str, str]) -> Planned | Refusal:
        title, text = values.get("title", "").strip(), values.get("text", "").strip()
        if not title:
            return Refusal(line, "title", _("A title is needed."))
        if len(title) > 200:
            return Refusal(line, "title", _("At most 200 characters."))
        try:
            content.check_title(title)
        except LifecycleError as error:
            return Refusal(line, "title", str(error))
        if not text:
            return Refusal(line, "text", _("A text is needed."))
        category = _category(values.get("category", ""))
        if category is None:
            return Refusal(line, "category", _("Unknown category: %s") % values["category"])
        planned = Planned(line, title, text, category, None, [])
        refusal = self._time(planned, values.get("time", "").strip())
        return refusal or self._channels(planned, values.get("channels", ""))

    def _time(self, planned: Planned, value: str) -> Refusal | None:
        if not value:
            return None
        for form in TIME_FORMATS:
            try:
                local = datetime.strptime(value, form)  # naive: local to the office
                break
            except ValueError:
                continue
        else:
            return Refusal(planned.line, "time", _("Write the time as 2030-01-07 10:00."))
        try:
            moment = local_time.local_to_utc(local, self.office.zone)
        except (local_time.NonexistentTime, local_time.OutOfRange) as error:
            return Refusal(planned.line, "time", str(error))
        if moment <= self.now:
            return Refusal(planned.line, "time", _("The publication time must be in the future."))
        if local_time.is_ambiguous(local, self.office.zone):
            planned.notes.append(
                _("%(time)s happens twice; the earlier time (still summer time) was taken.")
                % {"time": value}
            )
        planned.publish_at = moment
        return None

    def _channels(self, planned: Planned, value: str) -> Planned | Refusal:
        by_name = {str(c.name).lower(): key for key, c in self.channels.items()}
        for name in (part.strip() for part in value.replace(",", " ").split()):
            key = name if name in self.channels else by_name.get(name.lower())
            if key is None:
                return Refusal(planned.line, "channels", _("Unknown channel: %s") % name)
            if not defaults.allows(planned.category, key, self.restricted):
                return Refusal(
                    planned.line,
                    "channels",
                    _("This office sends no %(category)s to %(channel)s (channel defaults).")
                    % {"category": planned.category_label, "channel": self.channels[key].name},
                )
            planned.channels.append(key)
        return planned


def _category(value: str) -> str | None:
    value = value.strip()
    if not value:
        return Category.PRESS_RELEASE
    wanted = value.lower()
    for category in Category:
        if wanted in (category.value, category.slug, str(category.label).lower()):
            return category.value
    return None


@transaction.atomic
def create(office: Office, planned: list[Planned], *, by: Any) -> list[Post]:
    """Drafts from the rows ``read`` took. A draft cannot be scheduled before its approval,
    so the time becomes the draft's desired time: approving it schedules it then."""
    require_role(by, office, Role.EDITOR)
    return [
        lifecycle.create_draft(
            office,
            by=by,
            title=row.title,
            body=row.text,
            category=row.category,
            publish_at=row.publish_at,
            # The row's channels are the draft's own choice; none named: its category's.
            channels=row.channels or None,
        )
        for row in planned
    ]
