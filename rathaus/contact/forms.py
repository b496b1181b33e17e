"""The contact form and the follow-up form on the follow page."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rathaus.inbox import photos
from rathaus.lib import spam
from rathaus.lib.oneline import has_breaks

MAX_MESSAGE_CHARS = 5000
MAX_NAME_CHARS = 100
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class MessageForm(forms.Form):
    """What every public form has: the text, an optional photo and the spam defences."""

    message = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 5,000 characters."),
        error_messages={
            "required": _("Please write your message."),
            "max_length": _(
                "Your message has %(show_value)d characters; at most %(limit_value)d fit. "
                "Please shorten it."
            ),
        },
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_TYPES}),
        help_text=_("JPEG, PNG or WebP, at most 5 MB. We remove camera data and location from it."),
    )
    # The honeypot: people never see it (see spam.py).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    nonce = forms.CharField(widget=forms.HiddenInput)
    work = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pow_bits: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pow_bits = pow_bits
        self.nonce_id = ""
        self.photo_file = None

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled in (only meaningful once bound)."""
        return bool(self.data.get(spam.HONEYPOT, "").strip())

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload:
            self.photo_file = photos.cleaned(upload)
        return upload

    def clean(self) -> dict:
        data = super().clean()
        nonce = self.data.get("nonce", "")
        try:
            self.nonce_id = spam.nonce_id(nonce)
        except spam.FormExpired:
            raise ValidationError(
                _("This form is too old. Please send your message again."), code="expired"
            ) from None
        if not spam.work_is_done(nonce, self.data.get("work", ""), self.pow_bits):
            raise ValidationError(
                _(
                    "The spam protection of this form needs JavaScript. Please switch it on "
                    "and send your message again, or contact us by phone or letter."
                ),
                code="work",
            )
        return data


class ContactForm(MessageForm):
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=MAX_NAME_CHARS,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Only needed if you want our answer by email."),
        error_messages={"invalid": _("Please enter a valid email address, or leave it empty.")},
    )

    field_order = ["name", "email", "message", "photo", "website", "nonce", "work"]

    def clean_name(self) -> str:
        # A name is one line of letters: line breaks, control characters and invisible
        # format characters (e.g. a bidi override turning text around) only serve to
        # dress up spam or to forge a header.
        name = self.cleaned_data.get("name", "")
        if has_breaks(name) or any(unicodedata.category(c) == "Cf" for c in name):
            raise ValidationError(
                _("Please write your name on one line, without special characters."),
                code="name",
            )
        return name


class FollowUpForm(MessageForm):
    message = forms.CharField(
        label=_("Write again"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("At most 5,000 characters."),
        error_messages=MessageForm.base_fields["message"].error_messages,
    )
