"""The newsletter in the Django admin, scoped to the offices an admin administers: the
settings (switch, sender, bounce address and the bounce push address to give the mail
server), the subscribers (never added by hand: only a confirmation makes one) and the
mailings with their progress."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rathaus.newsletter import addresses, mailings
from rathaus.newsletter.models import Mailing, NewsletterSettings, Subscriber, new_token
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
        return addresses.bounce_push_url(obj) if obj.pk else ""

    @admin.action(description=_("Give the selected offices a new bounce push address"))
    def new_bounce_token(self, request, queryset) -> None:
        for newsletter in queryset:
            NewsletterSettings.objects.filter(pk=newsletter.pk).update(bounce_token=new_token())


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
    fields = ["office", "post", "subject", "post_url", "created_at", "recipients", "progress"]
    readonly_fields = fields

    @admin.display(description=_("progress"))
    def progress(self, obj: Mailing) -> str:
        return mailings.progress(obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
