"""Response-time targets in the Django admin, for the offices the user administers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rathaus.offices.scoped_admin import OfficeScopedAdmin
from rathaus.response_times import recounting
from rathaus.response_times.models import ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(OfficeScopedAdmin):
    list_display = ["office", "category_or_default", "first_response_hours", "resolution_hours"]
    list_filter = ["category"]

    @admin.display(description=_("category"), ordering="category")
    def category_or_default(self, obj: ResponseTarget) -> str:
        return obj.get_category_display() or _("default (all other categories)")

    # A target changed here counts for the open conversations too, as on the desk.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        recounting.queue(obj.office)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        recounting.queue(obj.office)

    def delete_queryset(self, request, queryset) -> None:
        offices = {target.office for target in queryset.select_related("office")}
        super().delete_queryset(request, queryset)
        for office in offices:
            recounting.queue(office)
