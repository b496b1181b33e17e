"""Forms of the calendar: its filter, moving a scheduled post, and the time a free slot
hands to the post form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from rathaus.delivery import channels, defaults
from rathaus.desk.forms.fields import DescribedForm, LocalDateTimeField, LocalTimesForm
from rathaus.offices.models import Office
from rathaus.posts.models import Category, FixedSlot, Post


class CalendarFilterForm(forms.Form):
    """Category and channel, from the query string. A value that is not a choice is a form
    error and filters nothing (never a 500)."""

    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All categories")), *Category.choices],
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)

    def __init__(self, data: QueryDict, *, office: Office) -> None:
        super().__init__({key: data.get(key, "") for key in ("category", "channel")})
        self.office = office
        self.channels = {channel.key: channel for channel in channels.for_office(office)}
        self.fields["channel"].choices = [
            ("", gettext_lazy("All channels")),
            *((key, channel.name) for key, channel in self.channels.items()),
        ]

    def query(self) -> dict[str, str]:
        """The filter's valid values, for links that keep it (week ↔ month, back, forth)."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}

    def keep(self) -> Callable[[Post], bool] | None:
        """Which posts the calendar shows; None when it shows every post."""
        wanted = self.query()
        if not wanted:
            return None
        category = wanted.get("category")
        channel = self.channels.get(wanted.get("channel", ""))
        # A post's channels are those its editor chose or else its category's defaults
        # allow (delivery.defaults), and that take it at all (Instagram: with an image).
        restricted = defaults.chosen(self.office.pk) if channel else {}

        def keep(post: Post) -> bool:
            if category and post.category != category:
                return False
            if channel is None:
                return True
            picked = post.channels
            reaches = defaults.reaches(post.category, channel.key, restricted, picked)
            return reaches and channel.takes(post)

        return keep


class RescheduleForm(LocalTimesForm):
    local_time_fields = ("at",)

    at = LocalDateTimeField(
        label=gettext_lazy("New publication time (local time)"),
        help_text=gettext_lazy("Time in the office's time zone."),
    )


def requested_time(query: QueryDict) -> datetime | None:
    """The wall-clock time a free slot of the calendar asks the new post form to fill in
    (``?publish_at=2026-04-07T10:00``); None for anything that is no such time."""
    try:
        return LocalDateTimeField(required=False).clean(query.get("publish_at", ""))
    except forms.ValidationError:
        return None


def initial_time(query: QueryDict) -> dict[str, Any]:
    """What a free slot of the calendar fills in: the time, and a fixed slot's category."""
    moment = requested_time(query)
    initial: dict[str, Any] = {"publish_at": moment} if moment else {}
    if query.get("category") in Category.values:
        initial["category"] = query["category"]
    return initial


class PlanImportForm(DescribedForm):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: title, text, category, time, channels; separated by “;” or “,”. "
            "At most 500 posts and 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class FixedSlotForm(DescribedForm):
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Weekday"), choices=FixedSlot.Weekday.choices, coerce=int
    )
    time = forms.TimeField(
        label=gettext_lazy("Time (local)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("Any category")), *Category.choices],
    )
    label = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("e.g. “Press release of the week”."),
    )
