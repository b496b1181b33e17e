"""Fediverse accounts in the Django admin: an office admin sees and edits only the accounts
of their offices, and may create accounts only for them."""

from django.contrib import admin

from rathaus.federation.models import Account
from rathaus.offices.models import Office, Role


def _administered(request):
    if request.user.is_superuser:
        return Office.objects.all()
    return Office.objects.filter(
        memberships__user=request.user, memberships__role=Role.ADMIN
    ).distinct()


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["username", "display_name", "office", "discoverable", "created_at"]
    list_filter = ["discoverable"]
    search_fields = ["username", "display_name"]
    readonly_fields = ["public_key_pem", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(office__in=_administered(request))

    def get_readonly_fields(self, request, obj=None):
        # The username is the account's address on other servers: it cannot move.
        return [*self.readonly_fields, "username"] if obj else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = _administered(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and _administered(request).exists()
