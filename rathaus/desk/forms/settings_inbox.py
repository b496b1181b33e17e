"""Forms of the inbox's settings: teams and response-time targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.desk.forms.fields import DescribedForm
from rathaus.inbox.models import Team
from rathaus.offices.models import Office
from rathaus.offices.people import display_name
from rathaus.posts.models import Category
from rathaus.response_times.models import ResponseTarget


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class TeamForm(DescribedForm):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=Team._meta.get_field("name").max_length
    )
    members = PersonChoice(
        label=gettext_lazy("Members"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this office's people can be chosen: a team never reaches into another office.
        people = get_user_model().objects.filter(memberships__office=office).distinct()
        self.fields["members"].queryset = people.order_by("last_name", "first_name", "username")


def _hours(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=gettext_lazy("In working hours, e.g. 8 for one working day. Empty: no target."),
    )


class TargetForm(DescribedForm):
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[("", gettext_lazy("Default (all other categories)")), *Category.choices],
        required=False,
    )
    first_response_hours = _hours(gettext_lazy("First answer within"))
    resolution_hours = _hours(gettext_lazy("Closed within"))

    def __init__(self, *args: Any, office: Office, target: ResponseTarget | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.office, self.target = office, target

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, resolution = data.get("first_response_hours"), data.get("resolution_hours")
        if self.errors:
            return data
        if first is None and resolution is None:
            raise ValidationError(_("Set at least one of the two targets."))
        if first is not None and resolution is not None and resolution < first:
            self.add_error("resolution_hours", _("Closing cannot be due before the first answer."))
        taken = ResponseTarget.objects.filter(office=self.office, category=data.get("category"))
        if self.target is not None:
            taken = taken.exclude(pk=self.target.pk)
        if taken.exists():
            self.add_error("category", _("This category has a target already."))
        return data
