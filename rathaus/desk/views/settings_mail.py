"""The office's mail settings on the desk (office admins): its mailboxes and its
newsletter. A push address (mailbox) and a bounce push address (newsletter) are shown once,
right after they are made: only their tokens' hashes are stored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.desk import configuring
from rathaus.desk.forms.settings_mail import NEWSLETTER_FIELDS, MailboxForm, NewsletterForm
from rathaus.desk.pages import page, see_other
from rathaus.desk.tenancy import office_of
from rathaus.mail.models import Mailbox
from rathaus.newsletter import addresses
from rathaus.newsletter.models import NewsletterSettings
from rathaus.offices.models import Office, Role

MAILBOX_FIELDS = MailboxForm._meta.fields


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _show_push_address(request: HttpRequest, mailbox: Mailbox) -> None:
    url = request.build_absolute_uri(reverse("mail:push", args=[mailbox.token]))
    messages.warning(
        request,
        _("Push address of %(mailbox)s (shown only now, copy it): %(url)s")
        % {"mailbox": mailbox.address, "url": url},
    )


def _mailbox_page(request: HttpRequest, office: Office, mailbox: Mailbox | None):
    row = mailbox or Mailbox(office=office)
    form = MailboxForm(_posted(request), instance=row)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        action = "mailbox_changed" if mailbox else "mailbox_created"
        try:
            configuring.save(row, MAILBOX_FIELDS, office=office, action=action, by=request.user)
        except IntegrityError:  # the same address, saved a moment earlier elsewhere
            form.add_error("address", _("This address belongs to a mailbox already."))
        else:
            if mailbox is None:
                _show_push_address(request, row)
            messages.success(request, _("The mailbox was saved."))
            return see_other("desk:settings_mailboxes", office)
    context = {"office": office, "form": form, "mailbox": mailbox}
    if mailbox is None:
        context["mailboxes"] = Mailbox.objects.filter(office=office)
    template = (
        "desk/settings/mailboxes.html" if mailbox is None else "desk/settings/mailbox_form.html"
    )
    return page(request, template, context, status=400 if form.errors else 200)


@login_required
def mailboxes(request: HttpRequest, slug: str) -> HttpResponse:
    return _mailbox_page(request, office_of(request, slug, Role.ADMIN), None)


@login_required
def mailbox_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    return _mailbox_page(request, office, get_object_or_404(Mailbox, office=office, pk=pk))


@login_required
def mailbox_push_token(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    mailbox = get_object_or_404(Mailbox, office=office, pk=pk)
    if request.method != "POST":
        return redirect("desk:settings_mailboxes", office.slug)
    mailbox.new_push_token()
    configuring.save(
        mailbox, ["token_hash"], office=office, action="mailbox_push_token", by=request.user
    )
    _show_push_address(request, mailbox)
    messages.warning(request, _("The old push address no longer works."))
    return see_other("desk:settings_mailboxes", office)


@login_required
def mailbox_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    mailbox = get_object_or_404(Mailbox, office=office, pk=pk)
    if request.method != "POST":
        return redirect("desk:settings_mailboxes", office.slug)
    configuring.delete(
        mailbox, ["address", "imap_host"], office=office, action="mailbox_deleted", by=request.user
    )
    messages.success(request, _("“%(address)s” was deleted.") % {"address": mailbox.address})
    return see_other("desk:settings_mailboxes", office)


# ----- newsletter ---------------------------------------------------------------------------


def _show_bounce_address(request: HttpRequest, newsletter: NewsletterSettings) -> None:
    messages.warning(
        request,
        _("Bounce push address (shown only now, copy it): %(url)s")
        % {"url": addresses.bounce_push_url(newsletter)},
    )


@login_required
def newsletter(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    stored = NewsletterSettings.objects.filter(office=office).first()
    form = NewsletterForm(_posted(request), instance=stored or NewsletterSettings(office=office))
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        action = "newsletter_settings_changed" if stored else "newsletter_settings_created"
        try:
            configuring.save(row, NEWSLETTER_FIELDS, office=office, action=action, by=request.user)
        except IntegrityError:  # a colleague saved the first settings a moment earlier
            form.add_error(None, _("Someone else saved these settings just now. Please try again."))
        else:
            if stored is None:
                _show_bounce_address(request, row)
            messages.success(request, _("The newsletter settings were saved."))
            return see_other("desk:settings_newsletter", office)
    context = {"office": office, "form": form, "newsletter": stored}
    return page(
        request, "desk/settings/newsletter.html", context, status=400 if form.errors else 200
    )


@login_required
def newsletter_bounce_token(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    stored = get_object_or_404(NewsletterSettings, office=office)
    if request.method != "POST":
        return redirect("desk:settings_newsletter", office.slug)
    stored.new_bounce_token()
    configuring.save(
        stored,
        ["bounce_token_hash"],
        office=office,
        action="newsletter_bounce_token",
        by=request.user,
    )
    _show_bounce_address(request, stored)
    messages.warning(request, _("The old bounce push address no longer works."))
    return see_other("desk:settings_newsletter", office)
