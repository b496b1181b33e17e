"""Response-time targets in the Django admin: an office admin sees and sets only their
offices' targets."""

import pytest

from rathaus.response_times.models import ResponseTarget


@pytest.fixture
def admin_client(admin_site_as):
    return admin_site_as("response_times")


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
