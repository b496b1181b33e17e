"""Planning from the calendar: moving a scheduled post, copying a post, and the plan as an
iCalendar file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.desk import month as months
from rathaus.desk.forms.calendar import RescheduleForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of, post_of
from rathaus.offices import local_time
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Role
from rathaus.posts import planning
from rathaus.posts.models import Post

# What the export holds without ``from``/``to``: the last month and the next half year.
EXPORT_BEFORE, EXPORT_AFTER = timedelta(days=31), timedelta(days=183)
EXPORT_MAX_DAYS = 400


@login_required
def move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The form that moves a scheduled post (the calendar's drag and drop posts it too)."""
    office = office_of(request, slug, Role.APPROVER)
    post = post_of(office, pk)
    initial = {}
    if post.publish_at:
        initial["at"] = local_time.utc_to_local(post.publish_at, office.zone).replace(tzinfo=None)
    form = RescheduleForm(request.POST or None, office=office, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                planning.reschedule(post, form.cleaned_data["at"], by=request.user)
            except LifecycleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Moved to another time."))
                for note in form.notes:
                    messages.info(request, note)
                day = local_time.utc_to_local(post.publish_at, office.zone).date()
                return redirect(f"{reverse('desk:calendar_week', args=[slug])}?week={day}")
    context = {"office": office, "post": post, "form": form, "upcoming": planning.upcoming(office)}
    return page(request, "desk/calendar_move.html", context, status=status)


@login_required
def duplicate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # The office and role first: an outsider learns nothing, not even which methods work.
    office = office_of(request, slug, Role.EDITOR)
    post = post_of(office, pk)
    if request.method != "POST":
        return redirect("desk:post_detail", office.slug, post.pk)
    copy = planning.duplicate(post, by=request.user)
    messages.success(request, _("Copy saved as a new draft. Give it its own time and check it."))
    return redirect("desk:post_edit", office.slug, copy.pk)


def _day(value: str | None, default: date) -> date:
    return date.fromisoformat(value) if value else default


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """The office's plan as iCalendar: scheduled and published posts from ``from`` to ``to``
    (local days, both included). Titles, categories and desk links only: the texts of
    unpublished posts stay on the desk, whatever calendar the file is imported into."""
    office = office_of(request, slug)
    today = local_time.utc_to_local(timezone.now(), office.zone).date()
    try:
        first = _day(request.GET.get("from"), today - EXPORT_BEFORE)
        last = _day(request.GET.get("to"), today + EXPORT_AFTER)
    except ValueError:
        return HttpResponseBadRequest(_("Give the days as YYYY-MM-DD."))
    if not 0 <= (last - first).days <= EXPORT_MAX_DAYS or first.year < 1900 or last.year > 2199:
        return HttpResponseBadRequest(
            _("Choose a range of at most %(days)d days.") % {"days": EXPORT_MAX_DAYS}
        )
    start = local_time.local_to_utc(datetime.combine(first, time()), office.zone)
    end = local_time.local_to_utc(datetime.combine(last + timedelta(days=1), time()), office.zone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Rathaus//Desk//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Plan: %(office)s") % {"office": office.name})
    host = request.get_host().split(":")[0]
    stamp = timezone.now()
    for day in sorted(months.collect(office, start, end).items()):
        for entry in day[1]:
            if entry.kind == "event":
                continue  # events are the newsroom's public calendar (termine.ics)
            cal.add_component(_event(request, entry, host, stamp))
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{office.slug}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def _event(request: HttpRequest, entry: months.Entry, host: str, stamp: datetime):
    post: Post = entry.post
    event = icalendar.Event()
    event.add("uid", f"post-{post.pk}-{entry.kind}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.at.astimezone(UTC))  # UTC: no VTIMEZONE needed
    event.add("summary", f"{entry.kind_label}: {post.title}")
    event.add("categories", [str(post.get_category_display())])
    url = reverse("desk:post_detail", args=[post.office.slug, post.pk])
    event.add("url", request.build_absolute_uri(url))
    return event
