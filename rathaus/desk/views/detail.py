"""One post: its content, its deliveries, its history, and the steps the user may take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from rathaus.desk import deliveries, history, outgoing, steps
from rathaus.desk.forms.posts import ImageForm, ReasonForm, ScheduleForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of, post_of
from rathaus.offices.models import Office
from rathaus.posts import lifecycle, limits, planning, review
from rathaus.posts.models import Post

# Fixed slots offered as one-click times in the post page's schedule form: the next six,
# looked for in six weeks, so that an office with one weekly slot gets six too.
SLOT_CHOICES, SLOT_DAYS = 6, 42


def _forms(office: Office, data: Any = None, step: str = "") -> dict[str, forms.Form]:
    """The forms of the detail page; only the one of ``step`` is bound to ``data``."""

    def bound(name: str) -> Any:
        return data if step == name else None

    return {
        "send_back_form": ReasonForm(bound("send_back"), prefix="send_back"),
        "withdraw_form": ReasonForm(bound("withdraw"), prefix="withdraw"),
        "schedule_form": ScheduleForm(bound("schedule"), prefix="schedule", office=office),
        "image_form": ImageForm(prefix="image"),
    }


def render_detail(
    request: HttpRequest, post: Post, page_forms: dict | None = None, status: int = 200
) -> HttpResponse:
    office = post.office
    offered = steps.offered(post, request.user)
    in_review = post.status == Post.Status.IN_REVIEW
    context = {
        "office": office,
        "post": post,
        "offered": offered,
        "four_eyes": post.last_editor_id == request.user.pk,
        "problems": limits.limit_problems(post),
        **deliveries.panel(post),
        "history": history.rows(post),
        "sent_back": review.sent_back(post),
        "blocked": in_review and review.is_blocked(post),
        # The approval covers every channel: the approver sees each one's text.
        "renderings": outgoing.renderings(post) if in_review else [],
        "still_old": outgoing.still_old(post),
        "slots": planning.upcoming(office, days=SLOT_DAYS)[:SLOT_CHOICES]
        if offered["schedule"]
        else [],
        **_forms(office),
        **(page_forms or {}),
    }
    return page(request, "desk/post_detail.html", context, status=status)


@login_required
def post_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return render_detail(request, post_of(office_of(request, slug), pk))


Verb = Callable[[Post, Any, dict[str, Any]], Any]
STEPS: dict[str, tuple[Verb, str]] = {
    "submit": (lambda p, by, d: lifecycle.submit(p, by=by), _("Submitted for approval.")),
    "approve": (lambda p, by, d: lifecycle.approve(p, by=by), _("Approved.")),
    "send_back": (
        lambda p, by, d: lifecycle.send_back(p, by=by, reason=d["reason"]),
        _("Sent back to the editor."),
    ),
    "publish": (lambda p, by, d: lifecycle.publish(p, by=by), _("Published.")),
    "emergency": (
        lambda p, by, d: lifecycle.publish(p, by=by),
        _("Emergency warning published without approval. This is flagged in the log."),
    ),
    "schedule": (lambda p, by, d: lifecycle.schedule(p, by=by, at=d["at"]), _("Scheduled.")),
    "unschedule": (lambda p, by, d: lifecycle.unschedule(p, by=by), _("Schedule removed.")),
    "withdraw": (
        lambda p, by, d: lifecycle.withdraw(p, by=by, reason=d["reason"]),
        _("Withdrawn."),
    ),
}


@login_required
def post_step(request: HttpRequest, slug: str, pk: int, step: str) -> HttpResponse:
    post = post_of(office_of(request, slug), pk)
    if step not in STEPS:
        raise Http404
    if request.method != "POST":
        return redirect("desk:post_detail", post.office.slug, post.pk)
    verb, done = STEPS[step]
    page_forms = _forms(post.office, request.POST, step)
    form = page_forms.get(f"{step}_form")
    if form is not None and not form.is_valid():
        return render_detail(request, post, page_forms, status=400)
    try:
        verb(post, request.user, form.cleaned_data if form is not None else {})
    except lifecycle.LifecycleError as error:
        messages.error(request, str(error))
        post.refresh_from_db()
        return render_detail(request, post, page_forms, status=400)
    messages.success(request, str(done))
    for note in getattr(form, "notes", []):
        messages.info(request, note)
    return redirect("desk:post_detail", post.office.slug, post.pk)
