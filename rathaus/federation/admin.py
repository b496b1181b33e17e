"""Fediverse accounts in the Django admin: an office admin sees and edits only the accounts
of their offices, and may create accounts only for them."""

from django.contrib import admin

from rathaus.federation import blocking
from rathaus.federation.models import Account, BlockedDomain, Follower
from rathaus.offices.scoped_admin import OfficeScopedAdmin


@admin.register(Account)
class AccountAdmin(OfficeScopedAdmin):
    list_display = ["username", "display_name", "office", "discoverable", "created_at"]
    list_filter = ["discoverable"]
    search_fields = ["username", "display_name"]
    readonly_fields = ["public_key_pem", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # The username is the account's address on other servers: it cannot move.
        return [*self.readonly_fields, "username"] if obj else self.readonly_fields


@admin.register(BlockedDomain)
class BlockedDomainAdmin(OfficeScopedAdmin):
    list_display = ["domain", "office", "reason", "created_at"]
    search_fields = ["domain"]

    def get_readonly_fields(self, request, obj=None):
        return ["office", "domain"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        # Through the verb: blocking also removes the domain's followers and is logged.
        blocked = blocking.block(obj.office, obj.domain, by=request.user, reason=obj.reason)
        obj.pk = blocked.pk

    def delete_model(self, request, obj) -> None:
        blocking.unblock(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            blocking.unblock(obj, by=request.user)


@admin.register(Follower)
class FollowerAdmin(OfficeScopedAdmin):
    """Who follows the office's accounts: visible to its admins, never published."""

    office_path = "account__office"
    list_display = ["actor", "account", "created_at"]
    list_filter = ["account"]
    search_fields = ["actor__username", "actor__domain"]
    readonly_fields = ["account", "actor", "follow_id", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
