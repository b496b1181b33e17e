"""A person's notifications in one office (``rathaus.notifications``): the list, newest
first; opening one (marks it read and goes to its desk page); all read at once; the count
in the header; and whether they also come by mail.

Only one's own, only in an office one belongs to (404 otherwise, as every desk page). The
inbox's notices about conversations are here too; its old page redirects here
(``inbox_actions.notifications``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from rathaus.desk.forms.notifications import MailChoiceForm
from rathaus.desk.pages import page, see_other
from rathaus.desk.tenancy import office_of
from rathaus.inbox import notices as inbox_notices
from rathaus.notifications.notify import mark_read, set_by_mail, shown, unread, wants_mail
from rathaus.offices.access import may_read_inbox

SHOWN = 100  # older ones stay stored; nobody scrolls back further on this page


def _hiding(user, office) -> str:
    """A notification about a conversation names the citizen's subject: shown only while
    the person reads the inbox (a role taken away takes these with it)."""
    return "" if may_read_inbox(user, office) else inbox_notices.SUBJECT_PREFIX


@login_required
def notification_list(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    items = shown(request.user, office, hiding=_hiding(request.user, office))[:SHOWN]
    context = {
        "office": office,
        "items": items,
        "mail_form": MailChoiceForm(initial={"by_mail": wants_mail(request.user)}),
    }
    return page(request, "desk/notifications.html", context)


@login_required
def notification_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Following the link is reading it: marked read, then on to the post (or FAQ entry)."""
    office = office_of(request, slug)
    hiding = _hiding(request.user, office)
    notification = shown(request.user, office, hiding=hiding).filter(pk=pk).first()
    if notification is None:  # someone else's, or gone: the list, which says nothing of it
        return redirect("desk:notification_list", office.slug)
    mark_read(request.user, office, notification.pk, hiding=hiding)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "/desk/"  # stored as a desk path (notify); never send anyone elsewhere
    return HttpResponseRedirect(target)


@login_required
def all_read(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    if request.method == "POST":
        # One person's own reading state: no workflow step, nothing for the audit log.
        count = mark_read(request.user, office, hiding=_hiding(request.user, office))
        messages.success(request, _("%(count)d marked as read.") % {"count": count})
        return see_other("desk:notification_list", office)
    return redirect("desk:notification_list", office.slug)


@login_required
def notification_mail(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    if request.method == "POST":
        form = MailChoiceForm(request.POST)
        form.is_valid()  # a checkbox: absent is "no", nothing else can be wrong
        by_mail = bool(form.cleaned_data.get("by_mail"))
        set_by_mail(request.user, by_mail)
        if by_mail:
            messages.success(request, _("Your notifications also come by email."))
        else:
            messages.success(request, _("Your notifications now come only to the desk."))
        return see_other("desk:notification_list", office)
    return redirect("desk:notification_list", office.slug)


@login_required
def notification_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The unread count next to "Notifications" in the header, fetched after the page
    (htmx), so that no desk page waits for it."""
    office = office_of(request, slug)
    hiding = _hiding(request.user, office)
    context = {"unread": unread(request.user, office, hiding=hiding).count()}
    return render(request, "desk/_notification_badge.html", context)
