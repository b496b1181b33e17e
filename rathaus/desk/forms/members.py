"""Forms of the members' page: inviting a colleague, changing roles."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from rathaus.desk.forms.fields import DescribedForm
from rathaus.offices.models import Role


def _roles_field(required: bool) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


class InviteForm(DescribedForm):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    roles = _roles_field(required=True)


class RolesForm(forms.Form):
    roles = _roles_field(required=False)
