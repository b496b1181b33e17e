"""Forms of the mail settings: the office's mailboxes (with the Django admin's checks:
a public IMAP server, credentials, encryption) and its newsletter settings."""

from __future__ import annotations

from typing import Any

from django import forms

from rathaus.desk.forms.fields import DescribedForm
from rathaus.mail.admin import MailboxForm as AdminMailboxForm
from rathaus.newsletter.models import NewsletterSettings


class _Described:
    """What DescribedForm does, for the model forms below (errors and help texts tied to
    their inputs)."""

    def full_clean(self) -> None:
        super().full_clean()
        DescribedForm._describe(self)

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        if hasattr(self, "cleaned_data"):
            DescribedForm._describe(self)


class MailboxForm(_Described, AdminMailboxForm):
    """The admin's form without the office (it is the office of the URL): the same
    validation of the server, the same password handling (left empty: kept)."""

    class Meta(AdminMailboxForm.Meta):
        fields = [name for name in AdminMailboxForm.Meta.fields if name != "office"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["imap_port"].widget.attrs.update({"min": 1, "max": 65535})

    def clean_imap_port(self):
        port = self.cleaned_data.get("imap_port")
        if port is not None and not 1 <= port <= 65535:
            raise forms.ValidationError(forms.IntegerField.default_error_messages["invalid"])
        return port


NEWSLETTER_FIELDS = ["enabled", "sender_name", "sender_address", "reply_to", "bounce_address"]
NEWSLETTER_FIELDS += ["footer"]


class NewsletterForm(_Described, forms.ModelForm):
    class Meta:
        model = NewsletterSettings
        fields = NEWSLETTER_FIELDS
