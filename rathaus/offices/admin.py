"""Office settings and people in the Django admin: an office admin sees and edits only their
offices and the people who work for them; users are invited on the desk, not picked here."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from rathaus.offices.models import Membership, Office, Role
from rathaus.offices.scoped_admin import may_change_person, people


class MembershipInline(admin.TabularInline):
    """A superuser's way to add anyone of the installation to an office."""

    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class MembersInline(admin.TabularInline):
    """What an office admin sees of an office's memberships: the list only. Picking from all
    users of the installation would show them every other office's people; colleagues join by
    invitation on the desk's members page and leave there."""

    model = Membership
    fields = readonly_fields = ["user", "role"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    # A newsroom address typed without a scheme is an https address.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_inlines(self, request, obj):
        return [MembershipInline] if request.user.is_superuser else [MembersInline]

    def get_queryset(self, request):
        offices = super().get_queryset(request)
        if request.user.is_superuser:
            return offices
        return offices.filter(memberships__user=request.user, memberships__role=Role.ADMIN)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PeopleAdmin(UserAdmin):
    """Django's user admin, scoped: an office admin sees the people of their offices (the
    list, the change page, the autocomplete of every user field) and may correct names and
    switch an account off, for people who work only for their offices. Rights, passwords and
    addresses stay with superusers and the account's owner: an address or a password an
    office admin chose would let them take over the account once another office invites it."""

    office_admin_fieldsets = (
        (None, {"fields": ("username", "is_active")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(pk__in=people(request).values("pk"))

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.office_admin_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["email", "last_login", "date_joined"]

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ["is_active"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        # Leaving an office is removing the membership; the account may work elsewhere.
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_person(request, obj))

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            if self.get_object(request, unquote(id)) is None:
                raise Http404
            raise PermissionDenied  # the owner sets it through the invitation or reset link
        return super().user_change_password(request, id, form_url)
