"""A post's delivery panel as the post page fetches it again while channels are being
sent to; trying one failed channel again (a post's delivery, or an answer to a citizen),
and confirming a post made by hand on a channel without a posting API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.delivery import sending
from rathaus.desk import steps
from rathaus.desk.deliveries import channel_name, panel
from rathaus.desk.tenancy import delivery_of, office_of, post_of
from rathaus.offices.access import LifecycleError


@login_required
def post_deliveries(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The post page's delivery panel alone, for its htmx polling: with the polling
    attributes while a delivery has not settled, without them once all have."""
    office = office_of(request, slug)
    post = post_of(office, pk)
    context = {
        "office": office,
        "post": post,
        "offered": steps.offered(post, request.user),
        **panel(post),
    }
    return render(request, "desk/_deliveries.html", context)


@login_required
def delivery_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    delivery = delivery_of(office_of(request, slug), pk)
    if request.method == "POST":
        try:
            sending.retry(delivery, by=request.user)
        except LifecycleError as error:
            # sending.retry words its refusals in English; translated here when a .po has them.
            messages.error(request, _(str(error)))
        else:
            messages.success(
                request,
                _("%(channel)s will be tried again.") % {"channel": channel_name(delivery.channel)},
            )
    if delivery.message_id:
        conversation = delivery.message.conversation
        url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
        return redirect(f"{url}#message-{delivery.message_id}")
    return redirect("desk:post_detail", delivery.post.office.slug, delivery.post_id)


@login_required
def delivery_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    delivery = delivery_of(office_of(request, slug), pk)
    if not delivery.post_id:
        raise Http404  # answers to citizens are never posted by hand
    if request.method == "POST":
        _confirm(request, delivery, request.POST.get("url", "").strip())
    return redirect("desk:post_detail", delivery.post.office.slug, delivery.post_id)


def _confirm(request: HttpRequest, delivery, url: str) -> None:
    if url and not url.startswith(("https://", "http://")):
        messages.error(request, _("The link must start with https://."))
        return
    try:
        sending.confirm_manual(delivery, by=request.user, url=url[:500])
    except LifecycleError as error:
        messages.error(request, _(str(error)))
    else:
        messages.success(
            request,
            _("Posting on %(channel)s is confirmed.") % {"channel": channel_name(delivery.channel)},
        )
