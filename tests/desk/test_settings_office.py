"""The office's profile and opening hours on the desk's settings pages."""

from datetime import date

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.offices.models import Office
from rathaus.response_times.models import Closure
from tests.helpers import log_in, png


@pytest.fixture
def admin_client(client, office_admin):
    return log_in(client, office_admin, language="en")


def _profile(office, **changes):
    data = {
        "tagline": "",
        "imprint": "Bezirksamt Mitte, Rathausplatz 1",
        "privacy_contact": "Datenschutz: datenschutz@mitte.example",
        "netiquette": "",
        "office_hours": "",
        "time_zone": "Europe/Berlin",
        "holiday_region": "BE",
    }
    return data | changes


def test_the_overview_links_every_area(admin_client, office):
    html = admin_client.get(reverse("desk:settings", args=[office.slug])).content.decode()
    for name in ("settings_profile", "settings_hours", "members", "channels"):
        assert f'href="{reverse(f"desk:{name}", args=[office.slug])}"' in html


def test_the_profile_is_saved_and_logged(admin_client, office, office_admin):
    url = reverse("desk:settings_profile", args=[office.slug])
    version = office.content_version
    data = _profile(office, imprint="Neues Impressum", netiquette="Bitte freundlich bleiben.")
    data["time_zone"] = "Europe/Vienna"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.imprint, office.netiquette, office.time_zone) == (
        "Neues Impressum",
        "Bitte freundlich bleiben.",
        "Europe/Vienna",
    )
    assert office.content_version == version + 1  # cached newsroom pages expire
    entry = AuditEntry.objects.get(action="office_settings_changed")
    assert entry.actor == office_admin
    assert entry.before["imprint"] == "Bezirksamt Mitte, Rathausplatz 1"
    assert entry.after["imprint"] == "Neues Impressum"


def test_the_time_zones_start_with_germanys(admin_client, office):
    html = admin_client.get(reverse("desk:settings_profile", args=[office.slug])).content.decode()
    options = html[html.index('name="time_zone"') :]
    assert options.index("Europe/Berlin") < options.index("Africa/Abidjan")
    assert "Etc/GMT+1" not in html


@pytest.mark.parametrize(
    "changes",
    [
        {"imprint": ""},
        {"privacy_contact": "   "},
        {"time_zone": "Mars/Olympus"},
        {"time_zone": "Etc/GMT+1"},
        {"holiday_region": "XX"},
        {"tagline": "x" * 301},
    ],
)
def test_bad_profile_input_is_a_form_error(admin_client, office, changes):
    url = reverse("desk:settings_profile", args=[office.slug])
    response = admin_client.post(url, _profile(office, **changes))
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    office.refresh_from_db()
    assert office.time_zone == "Europe/Berlin"
    assert office.imprint == "Bezirksamt Mitte, Rathausplatz 1"


def test_a_logo_is_checked_stored_under_a_random_name_and_replaced(admin_client, office):
    url = reverse("desk:settings_profile", args=[office.slug])
    assert admin_client.post(url, _profile(office, logo=png("wappen.png"))).status_code == 302
    office.refresh_from_db()
    first = office.logo.name
    assert first.startswith("logos/") and first.endswith(".png") and "wappen" not in first
    assert office.logo.storage.exists(first)
    admin_client.post(url, _profile(office, logo=png("neu.png")))
    office.refresh_from_db()
    assert office.logo.name != first
    assert not office.logo.storage.exists(first)  # the old file goes
    admin_client.post(url, _profile(office, remove_logo="on"))
    office.refresh_from_db()
    assert not office.logo


def test_a_file_that_is_no_image_is_refused(admin_client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("desk:settings_profile", args=[office.slug])
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = admin_client.post(url, _profile(office, logo=fake))
    assert response.status_code == 400
    assert 'aria-describedby="id_logo_helptext id_logo_error"' in response.content.decode()
    office.refresh_from_db()
    assert not office.logo


# ----- opening hours --------------------------------------------------------------------


def _hours(**periods):
    """Form data: ``d0_p0=("08:00", "12:00")`` is Monday's first period."""
    data = {}
    for name, (start, end) in periods.items():
        data[f"{name}_from"], data[f"{name}_to"] = start, end
    return data


def test_the_editor_shows_the_stored_hours(admin_client, office):
    Office.objects.filter(pk=office.pk).update(
        working_hours={"0": [["08:00", "12:00"], ["13:00", "16:30"]], "4": [["09:00", "24:00"]]}
    )
    response = admin_client.get(reverse("desk:settings_hours", args=[office.slug]))
    html = response.content.decode()
    assert 'name="d0_p1_to" value="16:30"' in html
    assert 'name="d4_p0_to" value="24:00"' in html
    assert 'name="d2_p0_from" ' in html and 'name="d2_p0_from" value' not in html


def test_hours_are_stored_in_the_working_hours_format(admin_client, office, office_admin):
    url = reverse("desk:settings_hours", args=[office.slug])
    data = _hours(
        d0_p0=("8", "12:00"), d0_p1=("13.30", "16 Uhr"), d3_p0=("09:00", "24:00"), d6_p1=("", "")
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.working_hours == {
        "0": [["08:00", "12:00"], ["13:30", "16:00"]],
        "3": [["09:00", "24:00"]],
    }
    assert AuditEntry.objects.get(action="office_hours_changed").actor == office_admin


@pytest.mark.parametrize(
    ("periods", "field"),
    [
        ({"d0_p0": ("12:00", "08:00")}, "d0_p0_to"),  # ends before it starts
        ({"d0_p0": ("08:00", "08:00")}, "d0_p0_to"),
        ({"d0_p0": ("08:00", "13:00"), "d0_p1": ("12:00", "16:00")}, "d0_p0_from"),  # overlap
        ({"d1_p0": ("08:00", "")}, "d1_p0_to"),
        ({"d1_p0": ("", "16:00")}, "d1_p0_from"),
        ({"d2_p0": ("25:00", "26:00")}, "d2_p0_to"),
        ({"d2_p0": ("08:60", "09:00")}, "d2_p0_to"),
        ({"d2_p0": ("acht", "neun")}, "d2_p0_to"),
        ({"d2_p0": ("24:30", "24:45")}, "d2_p0_to"),
    ],
)
def test_bad_hours_are_a_form_error_on_their_field(admin_client, office, periods, field):
    before = office.working_hours
    response = admin_client.post(
        reverse("desk:settings_hours", args=[office.slug]), _hours(**periods)
    )
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    office.refresh_from_db()
    assert office.working_hours == before


def test_no_hours_at_all_are_refused(admin_client, office):
    response = admin_client.post(reverse("desk:settings_hours", args=[office.slug]), {})
    assert response.status_code == 400
    assert "at least one period" in response.content.decode()


def test_broken_stored_hours_give_an_empty_grid_not_a_500(admin_client, office):
    Office.objects.filter(pk=office.pk).update(working_hours={"9": "kaputt"})
    response = admin_client.get(reverse("desk:settings_hours", args=[office.slug]))
    assert response.status_code == 200


# ----- closure days ---------------------------------------------------------------------


def test_a_closure_day_is_added_shown_and_removed(admin_client, office, office_admin):
    add = reverse("desk:settings_closure_add", args=[office.slug])
    data = {"closure-day": "2026-10-02", "closure-note": "Brückentag"}
    assert admin_client.post(add, data).status_code == 302
    closure = Closure.objects.get(office=office)
    assert (closure.day, closure.note) == (date(2026, 10, 2), "Brückentag")
    assert AuditEntry.objects.get(action="closure_added").actor == office_admin
    html = admin_client.get(reverse("desk:settings_hours", args=[office.slug])).content.decode()
    assert "Brückentag" in html
    remove = reverse("desk:settings_closure_delete", args=[office.slug, closure.pk])
    assert admin_client.get(remove).status_code == 302  # a GET removes nothing
    assert Closure.objects.exists()
    assert admin_client.post(remove).status_code == 302
    assert not Closure.objects.exists()


@pytest.mark.parametrize(
    "day", ["", "morgen", "2026-02-30", "1850-01-01", "99999-01-01", "2026-10-02"]
)
def test_a_bad_or_doubled_closure_day_is_a_form_error(admin_client, office, day):
    Closure.objects.create(office=office, day=date(2026, 10, 2))
    add = reverse("desk:settings_closure_add", args=[office.slug])
    response = admin_client.post(add, {"closure-day": day})
    assert response.status_code == 400
    assert 'id="id_closure-day_error"' in response.content.decode()
    assert Closure.objects.count() == 1


def test_another_offices_closure_day_is_404(admin_client, office, other_office):
    theirs = Closure.objects.create(office=other_office, day=date(2026, 10, 2))
    remove = reverse("desk:settings_closure_delete", args=[office.slug, theirs.pk])
    assert admin_client.post(remove).status_code == 404
    assert Closure.objects.filter(pk=theirs.pk).exists()
