"""The month calendar of an office: what is scheduled, what was published, what happens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.dates import MONTHS, WEEKDAYS

from rathaus.desk import month as months
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of


@login_required
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    first = months.parse(request.GET.get("month"), office)
    context = {
        "office": office,
        "month": months.build(office, first),
        "month_name": MONTHS[first.month],
        "weekdays": [WEEKDAYS[day] for day in range(7)],
    }
    return page(request, "desk/calendar.html", context)
