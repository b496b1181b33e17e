"""The office's settings on the desk (office admins): the overview of every area, the
office's profile (public texts, logo, time zone) and its opening hours. The Django admin
stays for operators; an office admin sets up their office here."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from rathaus.desk import configuring
from rathaus.desk.forms.settings import AccessibilityForm, ClosureForm, HoursForm, ProfileForm
from rathaus.desk.pages import page, see_other
from rathaus.desk.tenancy import office_of
from rathaus.offices.models import Office, Role
from rathaus.response_times.models import Closure


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    return page(request, "desk/settings/overview.html", {"office": office})


@login_required
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    posted = request.method == "POST"
    form = ProfileForm(request.POST if posted else None, request.FILES or None, office=office)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = list(ProfileForm.FIELDS)
        for name in fields:
            setattr(office, name, data[name])
        old_logo = office.logo.name
        if data["logo"]:
            # A random name, as post images have: the uploader's file name says nothing.
            office.logo.save(f"{secrets.token_hex(16)}{form.logo_suffix}", data["logo"], save=False)
            fields.append("logo")
        elif data["remove_logo"] and old_logo:
            office.logo = ""
            fields.append("logo")
        configuring.save(
            office, fields, office=office, action="office_settings_changed", by=request.user
        )
        if "logo" in fields and old_logo:
            office.logo.storage.delete(old_logo)
        office.touch(everything=True)  # imprint, privacy notice and logo: on every page
        messages.success(request, _("The office's settings were saved."))
        return redirect("desk:settings_profile", office.slug)
    context = {"office": office, "form": form}
    return page(request, "desk/settings/profile.html", context, status=400 if form.errors else 200)


@login_required
def accessibility(request: HttpRequest, slug: str) -> HttpResponse:
    """The accessibility statement and the pages in Leichte Sprache and sign language."""
    office = office_of(request, slug, Role.ADMIN)
    form = AccessibilityForm(request.POST if request.method == "POST" else None, office=office)
    if request.method == "POST" and form.is_valid():
        for name in AccessibilityForm.FIELDS:
            setattr(office, name, form.cleaned_data[name])
        configuring.save(
            office,
            list(AccessibilityForm.FIELDS),
            office=office,
            action="office_accessibility_changed",
            by=request.user,
        )
        office.touch(everything=True)  # every page's footer links the pages, when filled
        messages.success(request, _("The accessibility settings were saved."))
        return see_other("desk:settings_accessibility", office)
    context = {"office": office, "form": form}
    status = 400 if form.errors else 200
    return page(request, "desk/settings/accessibility.html", context, status=status)


def _hours_page(request: HttpRequest, office: Office, form, closure_form) -> HttpResponse:
    context = {
        "office": office,
        "form": form,
        "closure_form": closure_form,
        "closures": Closure.objects.filter(office=office),
    }
    status = 400 if form.errors or closure_form.errors else 200
    return page(request, "desk/settings/hours.html", context, status=status)


@login_required
def hours(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    form = HoursForm(request.POST if request.method == "POST" else None, office=office)
    if request.method == "POST" and form.is_valid():
        office.working_hours = form.cleaned_data["working_hours"]
        configuring.save(
            office, ["working_hours"], office=office, action="office_hours_changed", by=request.user
        )
        messages.success(request, _("The opening hours were saved."))
        return redirect("desk:settings_hours", office.slug)
    return _hours_page(request, office, form, ClosureForm(office=office))


@login_required
def closure_add(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    if request.method != "POST":
        return redirect("desk:settings_hours", office.slug)
    form = ClosureForm(request.POST, office=office)
    if form.is_valid():
        closure = Closure(office=office, **form.cleaned_data)
        try:
            configuring.save(
                closure, ["day", "note"], office=office, action="closure_added", by=request.user
            )
        except IntegrityError:  # the same day, added a moment earlier
            form.add_error("day", _("This day is a closure day already."))
        else:
            messages.success(request, _("The closure day was added."))
            return redirect("desk:settings_hours", office.slug)
    return _hours_page(request, office, HoursForm(office=office), form)


@login_required
def closure_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    closure = get_object_or_404(Closure, office=office, pk=pk)
    if request.method == "POST":
        configuring.delete(
            closure, ["day", "note"], office=office, action="closure_removed", by=request.user
        )
        messages.success(request, _("The closure day was removed."))
    return redirect("desk:settings_hours", office.slug)
