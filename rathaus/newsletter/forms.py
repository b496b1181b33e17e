"""The subscription form (with the contact form's spam defences: honeypot and signed form
nonce) and the form on a subscriber's own page to change categories and language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rathaus.lib import spam
from rathaus.posts.models import Category


def _categories_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Which posts do you want to receive?"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "With every category ticked you also get categories we add later. You can "
            "change this at any time through the link in every newsletter."
        ),
        error_messages={"required": _("Please choose at least one category.")},
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to this address; the subscription starts once you confirm."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, e.g. name@example.org."),
        },
    )
    categories = _categories_field()
    # The honeypot: people never see it (see lib/spam.py).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    nonce = forms.CharField(widget=forms.HiddenInput)

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled in (only meaningful once bound)."""
        return bool(self.data.get(spam.HONEYPOT, "").strip())

    def clean(self) -> dict:
        data = super().clean()
        try:
            spam.nonce_id(self.data.get("nonce", ""))
        except spam.FormExpired:
            raise ValidationError(
                _("This form is too old. Please send it again."), code="expired"
            ) from None
        return data


class PreferencesForm(forms.Form):
    categories = _categories_field()
    language = forms.ChoiceField(
        label=_("Language of the newsletter's own texts"),
        choices=settings.LANGUAGES,
        help_text=_("Posts are sent in the language they were written in."),
    )
