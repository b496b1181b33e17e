"""Text templates and FAQ entries in the Django admin, for the offices a user administers.
Publishing goes through the verbs, so it is logged and the cached FAQ page expires."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rathaus.answers import reuse
from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.audit.log import record
from rathaus.offices.access import LifecycleError
from rathaus.offices.scoped_admin import OfficeScopedAdmin


class ScopedAdmin(OfficeScopedAdmin):
    def get_readonly_fields(self, request, obj=None):
        # An entry stays with its office: moving it would hand it to another tenant.
        return [*self.readonly_fields, "office"] if obj else self.readonly_fields


def _fields(obj, names: list[str]) -> dict:
    return {name: getattr(obj, name) for name in names}


@admin.register(TextTemplate)
class TextTemplateAdmin(ScopedAdmin):
    list_display = ["title", "office", "created_by", "created_at"]
    list_filter = ["office"]
    search_fields = ["title", "body"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        before = _fields(TextTemplate.objects.get(pk=obj.pk), ["title", "body"]) if change else {}
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        action = "template_changed" if change else "template_created"
        after = _fields(obj, ["title", "body"])
        record(obj, action, by=request.user, office=obj.office, before=before, after=after)

    def delete_model(self, request, obj) -> None:
        record(
            obj,
            "template_deleted",
            by=request.user,
            office=obj.office,
            before=_fields(obj, ["title", "body"]),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(FaqEntry)
class FaqEntryAdmin(ScopedAdmin):
    list_display = ["question", "office", "published", "position"]
    list_editable = ["position"]
    list_filter = ["office", "published"]
    search_fields = ["question", "answer"]
    readonly_fields = ["published", "created_from", "created_at"]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change) -> None:
        before = (
            _fields(FaqEntry.objects.get(pk=obj.pk), ["question", "answer", "position"])
            if change
            else {}
        )
        super().save_model(request, obj, form, change)
        after = _fields(obj, ["question", "answer", "position"])
        action = "faq_changed" if change else "faq_created"
        record(obj, action, by=request.user, office=obj.office, before=before, after=after)
        if obj.published:
            reuse.changed(obj.office)

    def delete_model(self, request, obj) -> None:
        before = _fields(obj, ["question", "answer", "published"])
        record(obj, "faq_deleted", by=request.user, office=obj.office, before=before)
        super().delete_model(request, obj)
        if obj.published:
            reuse.changed(obj.office)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def _step(self, request, queryset, step) -> None:
        done = 0
        for entry in queryset.select_related("office"):
            try:
                step(entry, by=request.user)
                done += 1
            except LifecycleError as error:
                self.message_user(request, f"{entry}: {error}", messages.ERROR)
        if done:
            text = ngettext("%(count)d entry changed.", "%(count)d entries changed.", done)
            self.message_user(request, text % {"count": done})

    @admin.action(description=_("Publish on the FAQ page"))
    def publish(self, request, queryset) -> None:
        self._step(request, queryset, reuse.publish_faq)

    @admin.action(description=_("Take off the FAQ page"))
    def unpublish(self, request, queryset) -> None:
        self._step(request, queryset, reuse.unpublish_faq)
