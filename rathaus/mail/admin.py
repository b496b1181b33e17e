"""Mailboxes in the Django admin, scoped like the Fediverse accounts: an office admin sees,
edits and creates mailboxes of their offices only. The IMAP password is never shown, and
the push address only once: right after the mailbox is created or given a new one (only
the token's hash is stored)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rathaus.lib import netguard
from rathaus.mail.models import Mailbox
from rathaus.offices.scoped_admin import OfficeScopedAdmin


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "office",
            "address",
            "active",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_username",
            "imap_password",
            "imap_folder",
        ]

    def clean_imap_host(self) -> str:
        # Checked again when connecting (DNS may answer differently then); here only what
        # is known without asking another server, so that saving never waits on one.
        host = self.cleaned_data.get("imap_host", "").strip()
        if host:
            try:
                netguard.check_host(host)
            except netguard.Refused:
                raise forms.ValidationError(
                    _(
                        "Not a public address. Enter the name of a mail server on the "
                        "internet, without a port (the port has a field of its own)."
                    ),
                    code="not_public",
                ) from None
        return host

    def clean_imap_password(self) -> str:
        given = self.cleaned_data.get("imap_password", "")
        return given or (self.instance.imap_password if self.instance.pk else "")


@admin.register(Mailbox)
class MailboxAdmin(OfficeScopedAdmin):
    form = MailboxForm
    list_display = ["address", "office", "active", "imap_host", "last_checked_at", "last_error"]
    list_filter = ["active"]
    search_fields = ["address"]
    readonly_fields = ["push_address", "last_checked_at", "last_error"]
    actions = ["new_push_token"]

    @admin.display(description=_("push address"))
    def push_address(self, obj: Mailbox) -> str:
        return _(
            "Shown once, when the mailbox is created or given a new push address "
            "(action in the list of mailboxes)."
        )

    def _show_push_address(self, request, mailbox: Mailbox) -> None:
        url = request.build_absolute_uri(reverse("mail:push", args=[mailbox.token]))
        self.message_user(
            request,
            _("Push address of %(mailbox)s (shown only now, copy it): %(url)s")
            % {"mailbox": mailbox.address, "url": url},
            level=messages.WARNING,
        )

    def save_model(self, request, obj: Mailbox, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self._show_push_address(request, obj)

    @admin.action(description=_("Give the selected mailboxes a new push address"))
    def new_push_token(self, request, queryset) -> None:
        for mailbox in queryset:
            mailbox.new_push_token()
            mailbox.save(update_fields=["token_hash"])
            self._show_push_address(request, mailbox)
        self.message_user(
            request, _("The old push addresses no longer work."), level=messages.WARNING
        )
