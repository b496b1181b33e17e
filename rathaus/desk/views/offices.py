"""The desk's entry: which offices a user works for, and each office's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from rathaus.connectors import accounts
from rathaus.delivery.models import RETRYABLE, Delivery
from rathaus.desk import deliveries
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.offices.access import has_role, offices_of
from rathaus.offices.models import Role
from rathaus.posts.models import PUBLIC_STATUSES, Post


@login_required
def home(request: HttpRequest) -> HttpResponse:
    offices = list(offices_of(request.user))
    wanted = request.GET.get("office")  # the office switcher in the header
    chosen = [o for o in offices if o.slug == wanted] or (offices if len(offices) == 1 else [])
    if chosen:
        return redirect("desk:dashboard", chosen[0].slug)
    return page(request, "desk/home.html", {"offices": offices})


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    posts = Post.objects.filter(office=office).select_related("last_editor")
    waiting = None
    if has_role(request.user, office, Role.APPROVER):
        waiting = posts.filter(status=Post.Status.IN_REVIEW).exclude(last_editor=request.user)
    failed_deliveries = Q(deliveries__status__in=RETRYABLE)
    context = {
        "office": office,
        "drafts": posts.filter(status=Post.Status.DRAFT).order_by("-updated_at")[:20],
        "waiting": waiting.order_by("updated_at") if waiting is not None else None,
        "scheduled": posts.filter(status=Post.Status.SCHEDULED).order_by("publish_at"),
        "recent": posts.filter(status__in=PUBLIC_STATUSES)
        .annotate(failed=Count("deliveries", filter=failed_deliveries))
        .order_by("-published_at")[:10],
        "failed": deliveries.rows(
            Delivery.objects.filter(post__office=office, status__in=RETRYABLE)
            .prefetch_related("subject")
            .order_by("-updated_at")[:20]
        ),
        "emergencies": posts.filter(published_without_approval=True).order_by("-published_at")[:10],
        "accounts_attention": accounts.attention(office),
    }
    return page(request, "desk/dashboard.html", context)
