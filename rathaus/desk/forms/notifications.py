"""The one choice a person makes about their notifications: mail as well, or the desk only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from rathaus.desk.forms.fields import DescribedForm


class MailChoiceForm(DescribedForm):
    by_mail = forms.BooleanField(
        label=gettext_lazy("Also send me my notifications by email"),
        required=False,
        help_text=gettext_lazy("To the email address of your login, in every office."),
    )
