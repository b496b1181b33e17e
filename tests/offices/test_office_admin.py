"""Office settings live in the Django admin; an office admin sees only their own offices."""

import pytest

from tests.helpers import log_in


@pytest.fixture
def admin_client(client, office_admin, other_office):
    office_admin.is_staff = True
    office_admin.save()
    from django.contrib.auth.models import Permission

    office_admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_office", "change_office"])
    )
    log_in(client, office_admin)
    return client


def test_an_office_admin_sees_only_their_office(admin_client, office, other_office):
    page = admin_client.get("/admin/offices/office/")
    assert page.status_code == 200
    assert office.name.encode() in page.content
    assert other_office.name.encode() not in page.content


def test_an_office_admin_cannot_open_another_office(admin_client, other_office):
    page = admin_client.get(f"/admin/offices/office/{other_office.pk}/change/")
    assert page.status_code == 302  # the admin redirects away from objects you cannot see
    assert page.url == "/admin/"


def test_an_office_admin_cannot_change_another_office(admin_client, other_office):
    admin_client.post(f"/admin/offices/office/{other_office.pk}/change/", {"name": "Gekapert"})
    other_office.refresh_from_db()
    assert other_office.name == "Ortsamt Nord"


def test_an_office_admin_can_change_their_office(admin_client, office):
    page = admin_client.get(f"/admin/offices/office/{office.pk}/change/")
    assert page.status_code == 200
    assert b"emergency_skips_approval" in page.content


@pytest.mark.parametrize("slug", ["desk", "en", "de"])
def test_a_reserved_slug_is_refused(office, slug):
    from django.core.exceptions import ValidationError

    office.slug = slug  # "en" and "de" would be taken for the newsroom's language
    with pytest.raises(ValidationError):
        office.full_clean()


def test_an_unknown_time_zone_is_refused(office):
    from django.core.exceptions import ValidationError

    office.time_zone = "Europe/Musterstadt"
    with pytest.raises(ValidationError):
        office.full_clean()
