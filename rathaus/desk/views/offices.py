"""The desk's entry: which offices a user works for, and each office's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from rathaus.connectors import accounts
from rathaus.delivery.models import RETRYABLE, Delivery
from rathaus.desk import deliveries, queues
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.offices.access import has_role, may_read_inbox, offices_of
from rathaus.offices.models import Role
from rathaus.posts import review
from rathaus.posts.models import PUBLIC_STATUSES, Post

# The dashboard's inbox counts: the queues an agent starts the day with, each a link to it.
INBOX_COUNTS = ("mine", "overdue", "unassigned")
# Beyond it the exact number helps nobody, and counting it costs (as the navigation's badge).
INBOX_COUNT_CAP = 100


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
        # Where the user's own posts stand in review, and (for office admins, who can
        # appoint approvers) the posts the four-eyes rule leaves nobody to approve.
        "sent_back": review.sent_back_to(office, request.user),
        "mine_in_review": review.in_review_of(office, request.user)[:20],
        "blocked": review.blocked_in(office)[:20]
        if has_role(request.user, office, Role.ADMIN)
        else None,
        "inbox_counts": _inbox_counts(office, request.user),
        "inbox_count_cap": INBOX_COUNT_CAP,
    }
    return page(request, "desk/dashboard.html", context)


def _inbox_counts(office, user) -> list[dict] | None:
    """For those who read the inbox: how many conversations wait in each of INBOX_COUNTS,
    counted as the queue the link opens counts them."""
    if not may_read_inbox(user, office):
        return None
    now = timezone.now()
    counts = []
    for key in INBOX_COUNTS:
        filters = queues.Filters(queue=key)
        found = queues.queue_of(office, user, filters, now).values("pk")[:INBOX_COUNT_CAP]
        count = found.count()
        counts.append(
            {
                "key": key,
                "name": queues.QUEUES[key],
                "count": count,
                "capped": count >= INBOX_COUNT_CAP,
                "query": filters.query(),
            }
        )
    return counts
