"""Teams, topics and four-eyes reviewers of the inbox in the Django admin: an office admin
sees and edits only those of their offices, and can pick only that office's people."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from rathaus.inbox.models import ReplyReviewer, Team, Topic
from rathaus.offices.models import Membership
from rathaus.offices.scoped_admin import OfficeScopedAdmin, people


def _people(request):
    """Members of the offices the user administers (the form narrows it to one office)."""
    return people(request).order_by("username")


def _outside(office, users) -> list[str]:
    members = set(Membership.objects.filter(office=office).values_list("user_id", flat=True))
    return [user.get_username() for user in users if user.pk not in members]


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["office", "name", "members"]

    def clean(self):
        data = super().clean()
        office, members = data.get("office"), data.get("members") or []
        strangers = _outside(office, members) if office else []
        if strangers:
            self.add_error(
                "members",
                _("Not members of this office: %(names)s") % {"names": ", ".join(strangers)},
            )
        return data


class ReviewerForm(forms.ModelForm):
    class Meta:
        model = ReplyReviewer
        fields = ["office", "user"]

    def clean(self):
        data = super().clean()
        office, user = data.get("office"), data.get("user")
        if office and user and _outside(office, [user]):
            self.add_error("user", _("This person is not a member of this office."))
        return data


class OfficeScoped(OfficeScopedAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = _people(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = _people(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Team)
class TeamAdmin(OfficeScoped):
    form = TeamForm
    list_display = ["name", "office"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Topic)
class TopicAdmin(OfficeScoped):
    list_display = ["name", "office"]
    search_fields = ["name"]


@admin.register(ReplyReviewer)
class ReplyReviewerAdmin(OfficeScoped):
    """Staff whose answers a colleague approves before they go out."""

    form = ReviewerForm
    list_display = ["user", "office"]
