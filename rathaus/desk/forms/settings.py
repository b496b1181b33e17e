"""Forms of the office's own settings: its public texts and logo, its time zone, and its
opening hours as a grid of weekdays and times (stored as the working-hours JSON that
response-time targets count in)."""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from itertools import pairwise
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.desk.forms.fields import DescribedForm
from rathaus.lib.working_hours import parse_working_hours
from rathaus.offices.models import (
    STATES,
    AccessibilityStatus,
    NameGender,
    Office,
    validate_web_url,
)
from rathaus.posts import images

# Zones of places, not the aliases and fixed offsets (Etc/GMT+1, US/Pacific, CET) that only
# confuse a choice; German offices find theirs on top.
_REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/")
_REGIONS += ("Europe/", "Indian/", "Pacific/")
FIRST_ZONES = ("Europe/Berlin",)
WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
# Two periods a day cover the usual office (a morning and an afternoon opening).
PERIODS_PER_DAY = 2
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(?:Uhr)?\s*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    places = sorted(z for z in zoneinfo.available_timezones() if z.startswith(_REGIONS))
    return (*FIRST_ZONES, *(z for z in places if z not in FIRST_ZONES), "UTC")


def zone_choices(current: str = "") -> list[tuple[str, str]]:
    names = zone_names()
    # A zone set earlier in the Django admin stays choosable, even if it is not listed.
    if current and current not in names:
        names = (current, *names)
    return [(name, name.replace("_", " ")) for name in names]


class ProfileForm(DescribedForm):
    tagline = forms.CharField(label=gettext_lazy("Tagline"), max_length=300, required=False)
    imprint = forms.CharField(
        label=gettext_lazy("Imprint"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Impressum, shown on the newsroom."),
    )
    privacy_contact = forms.CharField(
        label=gettext_lazy("Privacy notice"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Data-protection officer and privacy notice text."),
    )
    netiquette = forms.CharField(
        label=gettext_lazy("Netiquette"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=gettext_lazy(
            "Rules for comments, shown on the newsroom; moderation refers to them."
        ),
    )
    office_hours = forms.CharField(
        label=gettext_lazy("Opening hours as citizens read them"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "E.g. “Mo–Fr 8–16 Uhr”. Answers fill it in for the placeholder {office_hours}."
        ),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"))
    holiday_region = forms.ChoiceField(
        label=gettext_lazy("State for public holidays"),
        choices=STATES,
        help_text=gettext_lazy("Holidays of this state do not count towards response times."),
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
        help_text=gettext_lazy("JPEG, PNG, WebP or GIF; shown in the newsroom's header."),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    name_gender = forms.ChoiceField(
        label=gettext_lazy("Article of the name"),
        choices=[("", gettext_lazy("Guess from the name")), *NameGender.choices],
        required=False,
        help_text=gettext_lazy(
            "For sentences such as “Nachricht an das Bezirksamt Mitte” on the newsroom and "
            "in mails."
        ),
    )
    name_genitive = forms.CharField(
        label=gettext_lazy("Name in the genitive"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "As it reads after “des” or “der”, e.g. “Bezirksamts Mitte”. Empty: guessed "
            "from the name."
        ),
    )

    FIELDS = ["tagline", "imprint", "privacy_contact", "netiquette", "office_hours"]
    FIELDS += ["time_zone", "holiday_region", "name_gender", "name_genitive"]

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(office, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        self.office = office
        self.fields["time_zone"].choices = zone_choices(office.time_zone)
        self.logo_suffix = ""

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            # The same check as a post's images: the newsroom serves the logo to everyone.
            self.logo_suffix = images.checked(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("logo") and data.get("remove_logo"):
            raise ValidationError(_("Upload a new logo or remove the old one, not both."))
        return data


class AccessibilityForm(DescribedForm):
    """The accessibility statement and the pages in Leichte Sprache and sign language, with
    the labels, help texts and checks of the office's own fields (the video's and the
    enforcement body's addresses: http or https only)."""

    FIELDS = [
        "accessibility_status",
        "accessibility_limitations",
        "accessibility_statement_date",
        "accessibility_method",
        "accessibility_enforcement_body",
        "accessibility_enforcement_url",
        "easy_language_text",
        "sign_language_video_url",
        "sign_language_transcript",
    ]
    URL_FIELDS = ("accessibility_enforcement_url", "sign_language_video_url")

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(office, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        self.office = office
        for name in self.FIELDS:
            self.fields[name] = Office._meta.get_field(name).formfield()
        self.fields["accessibility_status"].choices = [
            ("", _("Not assessed yet")),
            *AccessibilityStatus.choices,
        ]
        self.fields["accessibility_statement_date"].widget = forms.DateInput(
            attrs={"type": "date"}, format="%Y-%m-%d"
        )
        for name in self.URL_FIELDS:
            self.fields[name].widget = forms.URLInput(attrs={"inputmode": "url"})
            # A form field does not run its model field's validators: shown to citizens
            # as a link, the address must be http(s).
            self.fields[name].validators.append(validate_web_url)
        for name in ("accessibility_limitations", "accessibility_enforcement_body"):
            self.fields[name].widget.attrs["rows"] = 4
        self.fields["easy_language_text"].widget.attrs["rows"] = 12
        self.fields["sign_language_transcript"].widget.attrs["rows"] = 6

    def clean_accessibility_statement_date(self):
        day = self.cleaned_data.get("accessibility_statement_date")
        if day and not 2000 <= day.year <= 2199:
            raise ValidationError(_("Enter a date between the years 2000 and 2199."))
        return day


def _time(value: str) -> str:
    """``8``, ``8:00``, ``08.00`` or ``8 Uhr`` as ``08:00``; ``24:00`` is the day's end."""
    match = _TIME.match(value)
    if not match:
        raise ValidationError(_("Enter a time as HH:MM, e.g. 08:00."), code="time")
    hours, minutes = int(match[1]), int(match[2] or 0)
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValidationError(_("Enter a time between 00:00 and 24:00."), code="time")
    return f"{hours:02d}:{minutes:02d}"


def period_field(day: int, period: int, end: bool) -> str:
    return f"d{day}_p{period}_{'to' if end else 'from'}"


class HoursForm(DescribedForm):
    """A row per weekday with PERIODS_PER_DAY (or as many as stored) from/to pairs."""

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        try:
            stored = parse_working_hours(office.working_hours)
        except ValueError:  # hours broken elsewhere: start from an empty grid, not a 500
            stored = {day: [] for day in range(7)}
        self.periods = max(PERIODS_PER_DAY, *(len(ranges) for ranges in stored.values()))
        initial = {}
        for day, ranges in stored.items():
            for number, (start, end) in enumerate(ranges):
                initial[period_field(day, number, False)] = _hhmm(start)
                initial[period_field(day, number, True)] = _hhmm(end)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            for number in range(self.periods):
                for end in (False, True):
                    label = (
                        _("%(day)s, period %(number)d, until")
                        if end
                        else _("%(day)s, period %(number)d, from")
                    ) % {"day": name, "number": number + 1}
                    self.fields[period_field(day, number, end)] = forms.CharField(
                        label=label,
                        required=False,
                        max_length=10,
                        widget=forms.TextInput(
                            attrs={"inputmode": "numeric", "size": 5, "autocomplete": "off"}
                        ),
                    )

    def days(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """For the template: (weekday, [(from, until), ...]) per row."""
        return [
            (
                name,
                [
                    (self[period_field(day, n, False)], self[period_field(day, n, True)])
                    for n in range(self.periods)
                ],
            )
            for day, name in enumerate(WEEKDAYS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hours: dict[str, list[list[str]]] = {}
        for day, name in enumerate(WEEKDAYS):
            ranges = []
            for number in range(self.periods):
                names = period_field(day, number, False), period_field(day, number, True)
                start, end = (data.get(n, "").strip() for n in names)
                if not start and not end:
                    continue
                try:
                    if not (start and end):
                        raise ValidationError(_("Enter both times of the period, or neither."))
                    start, end = _time(start), _time(end)
                    if end <= start:
                        raise ValidationError(_("The period must end after it starts."))
                except ValidationError as error:
                    self.add_error(names[1] if start else names[0], error)
                    continue
                ranges.append([start, end])
            ranges.sort()
            for (_start, before_end), (after_start, _end) in pairwise(ranges):
                if after_start < before_end:
                    self.add_error(
                        period_field(day, 0, False),
                        _("The periods of %(day)s overlap.") % {"day": name},
                    )
            if ranges:
                hours[str(day)] = ranges
        if not self.errors and not hours:
            raise ValidationError(
                _("Enter at least one period: response times count only opening hours.")
            )
        data["working_hours"] = hours
        return data


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class ClosureForm(DescribedForm):
    """A day the office is closed (Brückentag): typed as a date, within a sensible range."""

    day = forms.DateField(
        label=gettext_lazy("Closed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("E.g. “Brückentag” or “Betriebsausflug”; only staff see it."),
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, prefix="closure", **kwargs)
        self.office = office

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not 2000 <= day.year <= 2199:
            raise ValidationError(_("Enter a date between the years 2000 and 2199."))
        if self.office.closures.filter(day=day).exists():
            raise ValidationError(_("This day is a closure day already."))
        return day
