"""The inbox's settings on the desk (office admins): teams and response-time targets.
Teams change through ``inbox.teams``; a target is one row, saved with its audit entry
(``desk.configuring``). Changed targets count for conversations that arrive afterwards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from rathaus.desk import configuring
from rathaus.desk.forms.settings_inbox import TargetForm, TeamForm
from rathaus.desk.pages import page, see_other
from rathaus.desk.tenancy import office_of
from rathaus.inbox import teams as team_steps
from rathaus.inbox.models import Team
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Office, Role
from rathaus.response_times.models import ResponseTarget

TARGET_FIELDS = ["category", "first_response_hours", "resolution_hours"]


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# ----- teams --------------------------------------------------------------------------------


def _team_page(request: HttpRequest, office: Office, team: Team | None) -> HttpResponse:
    initial = {}
    if team is not None:
        initial = {"name": team.name, "members": list(team.members.all())}
    form = TeamForm(_posted(request), office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team_steps.write_team(
                office, name=data["name"], members=data["members"], team=team, by=request.user
            )
        except LifecycleError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("The team was saved."))
            return see_other("desk:settings_teams", office)
    context = {"office": office, "form": form, "team": team}
    if team is None:
        context["teams"] = Team.objects.filter(office=office).prefetch_related("members")
    template = "desk/settings/teams.html" if team is None else "desk/settings/team_form.html"
    return page(request, template, context, status=400 if form.errors else 200)


@login_required
def teams(request: HttpRequest, slug: str) -> HttpResponse:
    return _team_page(request, office_of(request, slug, Role.ADMIN), None)


@login_required
def team_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    return _team_page(request, office, get_object_or_404(Team, office=office, pk=pk))


@login_required
def team_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    team = get_object_or_404(Team.objects.select_related("office"), office=office, pk=pk)
    if request.method != "POST":
        return redirect("desk:settings_teams", office.slug)
    team_steps.delete_team(team, by=request.user)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": team.name})
    return see_other("desk:settings_teams", office)


# ----- response-time targets ----------------------------------------------------------------


def _target_page(request: HttpRequest, office: Office, target: ResponseTarget | None):
    initial = {}
    if target is not None:
        initial = {name: getattr(target, name) for name in TARGET_FIELDS}
    form = TargetForm(_posted(request), office=office, target=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        row = target or ResponseTarget(office=office)
        for name in TARGET_FIELDS:
            setattr(row, name, form.cleaned_data[name])
        action = "response_target_changed" if target else "response_target_created"
        try:
            configuring.save(row, TARGET_FIELDS, office=office, action=action, by=request.user)
        except IntegrityError:  # a colleague set this category's target a moment earlier
            form.add_error("category", _("This category has a target already."))
        else:
            messages.success(request, _("The response-time target was saved."))
            return see_other("desk:settings_targets", office)
    context = {"office": office, "form": form, "target": target}
    if target is None:
        context["targets"] = ResponseTarget.objects.filter(office=office)
    template = "desk/settings/targets.html" if target is None else "desk/settings/target_form.html"
    return page(request, template, context, status=400 if form.errors else 200)


@login_required
def targets(request: HttpRequest, slug: str) -> HttpResponse:
    return _target_page(request, office_of(request, slug, Role.ADMIN), None)


@login_required
def target_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    return _target_page(request, office, get_object_or_404(ResponseTarget, office=office, pk=pk))


@login_required
def target_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    target = get_object_or_404(ResponseTarget, office=office, pk=pk)
    if request.method != "POST":
        return redirect("desk:settings_targets", office.slug)
    configuring.delete(
        target, TARGET_FIELDS, office=office, action="response_target_deleted", by=request.user
    )
    messages.success(request, _("The response-time target was deleted."))
    return see_other("desk:settings_targets", office)
