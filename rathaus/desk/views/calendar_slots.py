"""The office's fixed slots ("Di 10 Uhr Pressemitteilung"): listed, added and removed by
approvers and office admins; the calendar and the move form offer them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from rathaus.desk.forms.calendar import FixedSlotForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Role
from rathaus.posts import planning
from rathaus.posts.models import FixedSlot


@login_required
def slots(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.APPROVER, Role.ADMIN)
    posted = request.method == "POST"
    form = FixedSlotForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            data = form.cleaned_data
            planning.add_slot(
                office,
                by=request.user,
                weekday=data["weekday"],
                at=data["time"],
                category=data["category"],
                label=data["label"],
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Fixed slot added."))
            return redirect("desk:calendar_slots", office.slug)
    context = {"office": office, "form": form, "slots": FixedSlot.objects.filter(office=office)}
    return page(request, "desk/calendar_slots.html", context, status=400 if posted else 200)


@login_required
def slot_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.APPROVER, Role.ADMIN)
    if request.method == "POST":  # a link followed removes nothing
        slot = get_object_or_404(FixedSlot, office=office, pk=pk)
        planning.remove_slot(slot, by=request.user)
        messages.success(request, _("Fixed slot removed."))
    return redirect("desk:calendar_slots", office.slug)
