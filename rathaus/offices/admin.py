"""Office settings in the Django admin: an office admin sees and edits only their offices."""

from django.contrib import admin
from django.db import models

from rathaus.offices.models import Membership, Office, Role


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    search_fields = ["name", "slug"]
    # A newsroom address typed without a scheme is an https address.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        offices = super().get_queryset(request)
        if request.user.is_superuser:
            return offices
        return offices.filter(memberships__user=request.user, memberships__role=Role.ADMIN)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
