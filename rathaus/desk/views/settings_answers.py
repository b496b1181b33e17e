"""The FAQ and the text templates on the desk's settings pages.

The FAQ is for approvers and office admins: the entries agents suggested from good answers
("Für die FAQ vorschlagen") come first, to be checked, edited and published; published ones
can be changed, taken off the page or deleted. Text templates are for office admins. The
steps are in ``answers.editing`` and ``answers.reuse``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from rathaus.answers import editing, reuse
from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.desk.forms.settings_answers import FaqForm, TemplateForm
from rathaus.desk.pages import page, see_other
from rathaus.desk.tenancy import office_of
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Office, Role

FAQ_ROLES = (Role.ADMIN, Role.APPROVER)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# ----- FAQ ----------------------------------------------------------------------------------


@login_required
def faq_list(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, *FAQ_ROLES)
    entries = (
        FaqEntry.objects.filter(office=office)
        .select_related("created_from__conversation")
        .annotate(
            suggested=Case(When(published=False, then=0), default=1, output_field=IntegerField())
        )
        .order_by("suggested", "position", "id")
    )
    return page(request, "desk/settings/faq.html", {"office": office, "entries": entries})


def _faq_form(request: HttpRequest, office: Office, entry: FaqEntry | None) -> HttpResponse:
    initial = {}
    if entry is not None:
        initial = {"question": entry.question, "answer": entry.answer, "position": entry.position}
    form = FaqForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            editing.write_faq(
                office,
                question=data["question"],
                answer=data["answer"],
                position=data["position"],
                entry=entry,
                by=request.user,
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The FAQ entry was saved."))
            return see_other("desk:settings_faq", office)
    context = {"office": office, "form": form, "entry": entry}
    return page(request, "desk/settings/faq_form.html", context, status=400 if form.errors else 200)


@login_required
def faq_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _faq_form(request, office_of(request, slug, *FAQ_ROLES), None)


@login_required
def faq_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, *FAQ_ROLES)
    return _faq_form(request, office, get_object_or_404(FaqEntry, office=office, pk=pk))


def _faq_step(request: HttpRequest, slug: str, pk: int, step, done: str) -> HttpResponse:
    office = office_of(request, slug, *FAQ_ROLES)
    entry = get_object_or_404(FaqEntry.objects.select_related("office"), office=office, pk=pk)
    if request.method != "POST":
        return redirect("desk:settings_faq", office.slug)
    try:
        step(entry, by=request.user)
    except LifecycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"question": entry.question})
    return see_other("desk:settings_faq", office)


@login_required
def faq_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _faq_step(request, slug, pk, reuse.publish_faq, _("“%(question)s” is on the FAQ page."))


@login_required
def faq_unpublish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    text = _("“%(question)s” was taken off the FAQ page.")
    return _faq_step(request, slug, pk, reuse.unpublish_faq, text)


@login_required
def faq_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _faq_step(request, slug, pk, editing.delete_faq, _("“%(question)s” was deleted."))


# ----- text templates -----------------------------------------------------------------------


@login_required
def template_list(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    templates = TextTemplate.objects.filter(office=office).select_related("created_by")
    return page(request, "desk/settings/templates.html", {"office": office, "templates": templates})


def _template_form(request: HttpRequest, office: Office, template: TextTemplate | None):
    initial = {"title": template.title, "body": template.body} if template is not None else {}
    form = TemplateForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            editing.write_template(
                office, title=data["title"], body=data["body"], template=template, by=request.user
            )
        except LifecycleError as error:
            form.add_error("title", str(error))
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("The text template was saved."))
            return see_other("desk:settings_templates", office)
    context = {"office": office, "form": form, "template": template}
    status = 400 if form.errors else 200
    return page(request, "desk/settings/template_form.html", context, status=status)


@login_required
def template_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _template_form(request, office_of(request, slug, Role.ADMIN), None)


@login_required
def template_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    return _template_form(request, office, get_object_or_404(TextTemplate, office=office, pk=pk))


@login_required
def template_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    template = get_object_or_404(
        TextTemplate.objects.select_related("office"), office=office, pk=pk
    )
    if request.method != "POST":
        return redirect("desk:settings_templates", office.slug)
    try:
        editing.delete_template(template, by=request.user)
    except LifecycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” was deleted.") % {"title": template.title})
    return see_other("desk:settings_templates", office)
