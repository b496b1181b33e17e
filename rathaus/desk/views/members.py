"""The office's members (office admins): who works here with which roles, inviting a
colleague by e-mail address, changing roles, removing, whether editors and approvers read the
citizen inbox; and the page where an invited person sets their password. The steps are in
``offices.members``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from rathaus.desk.forms.members import InviteForm, RolesForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.offices import members
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Role
from rathaus.offices.people import display_name


def _member(office, pk: int):
    """A member of ``office``; 404 for anyone else, whoever they are elsewhere."""
    users = get_user_model().objects.filter(memberships__office=office).distinct()
    return get_object_or_404(users, pk=pk)


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    if request.method == "POST" and request.POST.get("form") == "inbox_access":
        return _inbox_access(request, office)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            members.invite(
                office,
                email=data["email"],
                roles=data["roles"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            # The same words whether or not the address had an account: no enumeration.
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": data["email"]}
            )
            return redirect("desk:members", office.slug)
    context = {
        "office": office,
        "members": members.members_of(office),
        "roles": Role.choices,
        "form": form,
    }
    return page(request, "desk/members.html", context, status=400 if form.errors else 200)


@login_required
def member_roles(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    person = _member(office, pk)
    if request.method != "POST":
        return redirect("desk:members", office.slug)
    form = RolesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown role."))
        return redirect("desk:members", office.slug)
    return _change(request, office, person, form.cleaned_data["roles"])


@login_required
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    person = _member(office, pk)
    if request.method != "POST":
        return redirect("desk:members", office.slug)
    return _change(request, office, person, [])


def _inbox_access(request: HttpRequest, office) -> HttpResponse:
    """The members page's second form: whether editors and approvers read the inbox. A
    checkbox, so any input is an answer: ticked (any value) or not sent."""
    opened = bool(request.POST.get("open_to_editors"))
    try:
        members.set_inbox_access(office, open_to_editors=opened, by=request.user)
    except LifecycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Editors and approvers may now read the inbox.")
            if opened
            else _("Only agents and office admins read the inbox now."),
        )
    return redirect("desk:members", office.slug)


def _change(request: HttpRequest, office, person, roles: list[str]) -> HttpResponse:
    try:
        members.set_roles(office, person, roles, by=request.user)
    except LifecycleError as error:
        messages.error(request, str(error))
    else:
        name = display_name(person)
        text = _("%(name)s's roles were saved.") if roles else _("%(name)s was removed.")
        messages.success(request, text % {"name": name})
    return redirect("desk:members", office.slug)


class InvitationView(PasswordResetConfirmView):
    """The link in the invitation: Django's one-time password link (it stops working once a
    password is set), which also proves that the address belongs to the account."""

    template_name = "desk/invitation.html"
    success_url = reverse_lazy("account_login")

    def form_valid(self, form):
        response = super().form_valid(form)
        members.confirmed(form.user)
        messages.success(self.request, _("Your password is set. You can log in now."))
        return response
