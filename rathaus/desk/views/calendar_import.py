"""Planned posts from a CSV file: upload, a preview of what would be created and what is
refused (line, field, reason), then the drafts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.desk.forms.calendar import PlanImportForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Role
from rathaus.posts import plan_import


@login_required
def plan_upload(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.EDITOR)
    posted = request.method == "POST"  # bound even when empty: a missing file is an error
    form = PlanImportForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"office": office, "form": form, "reading": None, "text": ""}
    if not posted:
        return page(request, "desk/calendar_import.html", context)
    confirmed = "confirm" in request.POST
    try:
        if confirmed:
            text = request.POST.get("csv", "")
            if len(text) > plan_import.MAX_BYTES:
                raise plan_import.FileRefused(_("The file is larger than 1 MB."))
        elif form.is_valid():
            text = plan_import.decode(form.cleaned_data["file"].read(plan_import.MAX_BYTES + 1))
        else:
            return page(request, "desk/calendar_import.html", context, status=400)
        reading = plan_import.read(office, text)
    except plan_import.FileRefused as error:
        form.add_error(None if confirmed else "file", str(error))
        return page(request, "desk/calendar_import.html", context, status=400)
    if confirmed and reading.planned:
        try:
            created = plan_import.create(office, reading.planned, by=request.user)
        except (LifecycleError, ValidationError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                ngettext("%(n)d draft created.", "%(n)d drafts created.", len(created))
                % {"n": len(created)},
            )
            if reading.refused:
                messages.warning(
                    request,
                    ngettext(
                        "%(n)d row was refused and created nothing.",
                        "%(n)d rows were refused and created nothing.",
                        len(reading.refused),
                    )
                    % {"n": len(reading.refused)},
                )
            return redirect("desk:post_list", office.slug)
    context |= {"reading": reading, "text": text}
    return page(request, "desk/calendar_import.html", context)


@login_required
def plan_template(request: HttpRequest, slug: str) -> HttpResponse:
    """An example file to fill in (UTF-8 with BOM, so Excel reads the umlauts)."""
    office_of(request, slug, Role.EDITOR)
    response = HttpResponse("\ufeff" + plan_import.TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="planung-vorlage.csv"'
    return response
