"""Response-time targets in the Django admin: an office admin sees and sets only their
offices' targets."""

import pytest
from django.contrib.auth.models import Permission

from rathaus.response_times.models import ResponseTarget
from tests.conftest import PASSWORD


@pytest.fixture
def admin_client(client, office_admin, other_office):
    office_admin.is_staff = True
    office_admin.save()
    office_admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="response_times")
    )
    client.login(username=office_admin.username, password=PASSWORD)
    return client


def test_an_office_admin_sees_only_their_offices_targets(admin_client, office, other_office):
    ResponseTarget.objects.create(office=office, first_response_hours=4)
    theirs = ResponseTarget.objects.create(office=other_office, first_response_hours=99)
    page = admin_client.get("/admin/response_times/responsetarget/")
    assert page.status_code == 200
    assert b"Musterstadt-Mitte" in page.content
    assert b"Ortsamt Nord" not in page.content
    other = admin_client.get(f"/admin/response_times/responsetarget/{theirs.pk}/change/")
    assert other.status_code == 302


def test_an_office_admin_sets_targets_only_for_their_offices(admin_client, office, other_office):
    fields = {"category": "", "first_response_hours": "4", "resolution_hours": "24"}
    admin_client.post(
        "/admin/response_times/responsetarget/add/", {"office": other_office.pk, **fields}
    )
    assert not ResponseTarget.objects.filter(office=other_office).exists()
    admin_client.post("/admin/response_times/responsetarget/add/", {"office": office.pk, **fields})
    target = ResponseTarget.objects.get(office=office)
    assert (target.category, target.first_response_hours) == ("", 4)


def test_the_admin_refuses_a_target_without_hours(admin_client, office):
    page = admin_client.post(
        "/admin/response_times/responsetarget/add/",
        {
            "office": office.pk,
            "category": "notice",
            "first_response_hours": "",
            "resolution_hours": "",
        },
    )
    assert page.status_code == 200  # the form again, with the error
    assert not ResponseTarget.objects.exists()
