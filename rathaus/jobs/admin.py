"""Background jobs in the Django admin, for superusers only: the jobs are the whole
installation's, not an office's. Read-only, with one action: try failed jobs again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rathaus.jobs import engine
from rathaus.jobs.models import FAILED, Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "key", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "key"]
    ordering = ["-next_attempt_at"]
    actions = ["try_again"]

    def has_module_permission(self, request: Any) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Try the failed jobs again"), permissions=["view"])
    def try_again(self, request: Any, queryset: Any) -> None:
        count = engine.requeue(queryset.filter(status=FAILED))
        self.message_user(
            request,
            ngettext("%(count)d job queued again.", "%(count)d jobs queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
