"""The newsletter in the Django admin, scoped to the offices an admin administers: the
settings (switch, sender, bounce address and the bounce push address to give the mail
server, shown once: only its token's hash is kept), the subscribers (never added by hand:
only a confirmation makes one) and the mailings with their progress."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from rathaus.newsletter import addresses, mailings
from rathaus.newsletter.models import Mailing, NewsletterSettings, Subscriber
from rathaus.offices.scoped_admin import OfficeScopedAdmin


@admin.register(NewsletterSettings)
class NewsletterSettingsAdmin(OfficeScopedAdmin):
    list_display = ["office", "enabled", "sender_address", "bounce_address"]
    list_filter = ["enabled"]
    readonly_fields = ["bounce_push_url"]
    actions = ["new_bounce_token"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "office"] if obj else self.readonly_fields

    @admin.display(description=_("bounce push address"))
    def bounce_push_url(self, obj: NewsletterSettings) -> str:
        return _(
            "Shown once, when the settings are created or given a new bounce push address "
            "(action in the list)."
        )

    def _show_bounce_push_url(self, request, newsletter: NewsletterSettings) -> None:
        self.message_user(
            request,
            _("Bounce push address of %(office)s (shown only now, copy it): %(url)s")
            % {"office": newsletter.office, "url": addresses.bounce_push_url(newsletter)},
            level=messages.WARNING,
        )

    def save_model(self, request, obj: NewsletterSettings, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self._show_bounce_push_url(request, obj)

    @admin.action(description=_("Give the selected offices a new bounce push address"))
    def new_bounce_token(self, request, queryset) -> None:
        for newsletter in queryset.select_related("office"):
            newsletter.new_bounce_token()
            NewsletterSettings.objects.filter(pk=newsletter.pk).update(
                bounce_token_hash=newsletter.bounce_token_hash
            )
            self._show_bounce_push_url(request, newsletter)


@admin.register(Subscriber)
class SubscriberAdmin(OfficeScopedAdmin):
    list_display = ["email", "office", "status", "chosen", "language", "confirmed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    readonly_fields = ["office", "email", "chosen", "created_at", "confirmed_at", "bounced_at"]
    # The status can change: e.g. back to confirmed when the office's own server bounced.
    fields = ["office", "email", "status", "chosen", "language", *readonly_fields[3:]]

    @admin.display(description=_("categories"))
    def chosen(self, obj: Subscriber) -> str:
        if obj.all_categories:
            return str(_("All categories"))
        return ", ".join(str(label) for label in obj.category_labels)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Mailing)
class MailingAdmin(OfficeScopedAdmin):
    list_display = ["subject", "office", "created_at", "recipients", "batches", "progress"]
    fields = [
        "office",
        "post",
        "subject",
        "post_url",
        "created_at",
        "recipients",
        "progress",
        "error",
    ]
    readonly_fields = fields

    @admin.display(description=_("progress"))
    def progress(self, obj: Mailing) -> str:
        return mailings.progress(obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
