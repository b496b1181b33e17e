"""The Django admin as an office admin sees it: only rows of the offices they administer,
and new rows only for those. Every app's admin of per-office rows builds on this."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from rathaus.offices.models import Office, Role


def administered(request: HttpRequest) -> QuerySet[Office]:
    if request.user.is_superuser:
        return Office.objects.all()
    return Office.objects.filter(
        memberships__user=request.user, memberships__role=Role.ADMIN
    ).distinct()


class OfficeScopedAdmin(admin.ModelAdmin):
    """Rows whose ``office_path`` leads to an administered office, and only those."""

    office_path = "office"

    def get_queryset(self, request):
        offices = administered(request)
        return super().get_queryset(request).filter(**{f"{self.office_path}__in": offices})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = administered(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and administered(request).exists()
