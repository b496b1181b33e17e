"""The office's calendar, by month or by week: what is scheduled, what was published, what
happens; filtered by category and channel."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.dates import MONTHS, WEEKDAYS

from rathaus.desk import month as months
from rathaus.desk import week as weeks
from rathaus.desk.forms.calendar import CalendarFilterForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.offices.access import has_role
from rathaus.offices.models import Office, Role


def _links(filters: dict[str, str]) -> Any:
    """``?month=…``/``?week=…`` links that keep the filter."""

    def link(**where: str) -> str:
        return "?" + urlencode({**where, **filters})

    return link


def _context(request: HttpRequest, office: Office, form: CalendarFilterForm) -> dict:
    return {
        "office": office,
        "filter_form": form,
        "filters": form.query(),
        "may_move": has_role(request.user, office, Role.APPROVER),
        "weekdays": [WEEKDAYS[day] for day in range(7)],
    }


@login_required
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    form = CalendarFilterForm(request.GET, office=office)
    first = months.parse(request.GET.get("month"), office)
    link = _links(form.query())
    context = _context(request, office, form) | {
        "month": months.build(office, first, form.keep()),
        "month_name": MONTHS[first.month],
        "previous_link": link(month=f"{months.Month(first, []).previous:%Y-%m}"),
        "next_link": link(month=f"{months.Month(first, []).next:%Y-%m}"),
        "week_link": link(week=_week_of_month(first, office).isoformat()),
    }
    return page(request, "desk/calendar.html", context)


def _week_of_month(first: date, office: Office) -> date:
    """The week the toggle opens: this week in this month, else the month's first week."""
    this_week = weeks.parse(None, office)
    same_month = (this_week.year, this_week.month) == (first.year, first.month)
    return this_week if same_month else first


@login_required
def week(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    form = CalendarFilterForm(request.GET, office=office)
    monday = weeks.parse(request.GET.get("week"), office)
    link = _links(form.query())
    context = _context(request, office, form) | {
        "week": weeks.build(office, monday, form.keep()),
        "previous_link": link(week=weeks.Week(monday, [], []).previous.isoformat()),
        "next_link": link(week=weeks.Week(monday, [], []).next.isoformat()),
        "month_link": link(month=f"{monday:%Y-%m}"),
    }
    return page(request, "desk/calendar_week.html", context)
