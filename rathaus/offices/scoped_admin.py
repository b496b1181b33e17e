"""The Django admin as an office admin sees it: only rows of the offices they administer,
and new rows only for those. Every app's admin of per-office rows builds on this."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from rathaus.offices.models import Office, Role


def administered(request: HttpRequest) -> QuerySet[Office]:
    if request.user.is_superuser:
        return Office.objects.all()
    return Office.objects.filter(
        memberships__user=request.user, memberships__role=Role.ADMIN
    ).distinct()


def people(request: HttpRequest) -> QuerySet:
    """The accounts an admin may see: members of the offices they administer (all for a
    superuser). Every user list, user field and autocomplete of the admin starts here."""
    users = get_user_model().objects.all()
    if request.user.is_superuser:
        return users
    return users.filter(memberships__office__in=administered(request)).distinct()


def may_change_person(request: HttpRequest, user) -> bool:
    """Whether the admin may change ``user`` at all: a superuser always; an office admin only
    someone who works for none but the offices they administer and holds no right they lack
    themselves. Otherwise changing that account would reach into another office (e.g. the
    login name of an admin of it) or lift them above their own rights."""
    actor = request.user
    if actor.is_superuser:
        return True
    if user.is_superuser or not _rights(user) <= _rights(actor):
        return False
    theirs = set(user.memberships.values_list("office_id", flat=True))
    return bool(theirs) and theirs <= set(administered(request).values_list("pk", flat=True))


def _rights(user) -> set[int]:
    # Read from the tables, not get_all_permissions(): that is empty for a switched-off
    # account, which would let an office admin switch a powerful one back on.
    granted = Q(user=user) | Q(group__user=user)
    return set(Permission.objects.filter(granted).values_list("pk", flat=True))


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
