"""What every desk form shares: errors and help texts tied to their inputs, and times typed
in the office's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.offices import local_time
from rathaus.offices.models import Office

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time without a zone. Django would read it in the server's zone and stumble
    over the DST nights; the form converts it with the office's zone instead.

    Only years FIRST_YEAR to LAST_YEAR: near year 1 or 9999 the shift between the office's
    zone and UTC leaves the calendar (OverflowError), now or when the time is shown."""

    FIRST_YEAR, LAST_YEAR = 1900, 2199
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):  # UTC has no skipped or doubled hours
            moment = super().to_python(value)
        if moment and not self.FIRST_YEAR <= moment.year <= self.LAST_YEAR:
            raise forms.ValidationError(
                _("Enter a date between the years %(first)d and %(last)d.")
                % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR},
                code="out_of_range",
            )
        return moment.replace(tzinfo=None) if moment else None

    def prepare_value(self, value: Any) -> Any:
        return value  # already local: the base class would shift it to the server's zone


class DescribedForm(forms.Form):
    """Ties each input to its help text and its errors (aria-describedby) for screen readers."""

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        # Views add errors after cleaning (an upload the image check refuses, a lifecycle
        # step): the control must then point at that error too, not only at its help text.
        if hasattr(self, "cleaned_data"):
            self._describe()

    def _describe(self) -> None:
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_helptext"] if field.help_text else []
            if name in self.errors:
                ids.append(f"{auto_id}_error")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class LocalTimesForm(DescribedForm):
    """Fields named in ``local_time_fields`` are typed in the office's time zone and come out
    of ``cleaned_data`` as UTC; ``notes`` says when a doubled autumn hour was resolved."""

    local_time_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        self.office = office
        self.notes: list[str] = []
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.local_time_fields:
            local = data.get(name)
            if local is None:
                continue
            try:
                data[name] = local_time.local_to_utc(local, self.office.zone)
            except (local_time.NonexistentTime, local_time.OutOfRange) as error:
                self.add_error(name, str(error))
                continue
            if local_time.is_ambiguous(local, self.office.zone):
                self.notes.append(
                    _(
                        "%(time)s happens twice in %(zone)s because the clocks go back. "
                        "The earlier time (still summer time) was taken: %(utc)s UTC."
                    )
                    % {
                        "time": local.strftime("%d.%m.%Y %H:%M"),
                        "zone": self.office.time_zone,
                        "utc": data[name].strftime("%d.%m.%Y %H:%M"),
                    }
                )
        return data
