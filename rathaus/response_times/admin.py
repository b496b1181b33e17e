"""Response-time targets in the Django admin, for the offices the user administers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rathaus.offices.scoped_admin import OfficeScopedAdmin
from rathaus.response_times.models import ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(OfficeScopedAdmin):
    list_display = ["office", "category_or_default", "first_response_hours", "resolution_hours"]
    list_filter = ["category"]

    @admin.display(description=_("category"), ordering="category")
    def category_or_default(self, obj: ResponseTarget) -> str:
        return obj.get_category_display() or _("default (all other categories)")
