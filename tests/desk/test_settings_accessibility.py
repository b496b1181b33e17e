"""The accessibility settings (statement, Leichte Sprache, sign language) and the name's
grammatical forms on the profile: saved and logged by the office admin, refused to other
offices (404) and roles (403), shown on the newsroom at once."""

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.offices.models import Office
from tests.helpers import log_in

STATEMENT = {
    "accessibility_status": "partial",
    "accessibility_limitations": "Ältere PDF-Dokumente sind nicht barrierefrei.",
    "accessibility_statement_date": "2026-09-01",
    "accessibility_method": "self",
    "accessibility_enforcement_body": "Schlichtungsstelle nach § 16 BGG",
    "accessibility_enforcement_url": "https://www.schlichtungsstelle-bgg.de/",
    "easy_language_text": "## Wir sind das Bezirks·amt\n\nWir helfen Ihnen.",
    "sign_language_video_url": "https://www.mitte.example/dgs.mp4",
    "sign_language_transcript": "Willkommen.",
}


@pytest.fixture
def admin_client(client, office_admin):
    return log_in(client, office_admin, language="en")


def _url(office):
    return reverse("desk:settings_accessibility", args=[office.slug])


def test_the_overview_links_the_page(admin_client, office):
    html = admin_client.get(reverse("desk:settings", args=[office.slug])).content.decode()
    assert f'href="{_url(office)}"' in html
    assert "<title>Settings" in html and "<section" not in html[: html.index("</title>")]


def test_the_statement_is_saved_logged_and_shown(admin_client, client, office, office_admin):
    version = office.content_version
    response = admin_client.post(_url(office), STATEMENT)
    assert response.status_code == 303
    office.refresh_from_db()
    assert office.accessibility_status == "partial"
    assert str(office.accessibility_statement_date) == "2026-09-01"
    assert office.has_easy_language and office.has_sign_language
    assert office.content_version == version + 1  # cached newsroom pages expire
    entry = AuditEntry.objects.get(action="office_accessibility_changed")
    assert entry.actor == office_admin
    assert entry.before["accessibility_status"] == ""
    assert entry.after["accessibility_status"] == "partial"
    front = client.get(reverse("newsroom:index", args=[office.slug])).content.decode()
    assert "/mitte/leichte-sprache/" in front and "/mitte/gebaerdensprache/" in front


@pytest.mark.parametrize(
    "changes",
    [
        {"accessibility_enforcement_url": "javascript:alert(1)"},
        {"sign_language_video_url": "data:text/html,hallo"},
        {"sign_language_video_url": "ftp://mitte.example/dgs.mp4"},
        {"accessibility_status": "perfect"},
        {"accessibility_statement_date": "1066-10-14"},
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(admin_client, office, changes):
    response = admin_client.post(_url(office), STATEMENT | changes)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    office.refresh_from_db()
    assert office.accessibility_status == "" and office.sign_language_video_url == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_office_gets_404(client, office, outsider, method):
    log_in(client, outsider)
    response = getattr(client, method)(_url(office), STATEMENT)
    assert response.status_code == 404
    assert Office.objects.get(pk=office.pk).accessibility_status == ""


@pytest.mark.parametrize("role", ["editor", "approver", "agent"])
def test_other_roles_get_403(client, office, role, request):
    log_in(client, request.getfixturevalue(role))
    assert client.get(_url(office)).status_code == 403
    assert client.post(_url(office), STATEMENT).status_code == 403
    assert Office.objects.get(pk=office.pk).easy_language_text == ""


def test_the_name_forms_are_set_on_the_profile(client, office, office_admin):
    log_in(client, office_admin)  # German, where the forms are used
    url = reverse("desk:settings_profile", args=[office.slug])
    data = {
        "imprint": office.imprint,
        "privacy_contact": office.privacy_contact,
        "time_zone": "Europe/Berlin",
        "holiday_region": "BE",
        "name_gender": "neuter",
        "name_genitive": "Bezirksamtes Musterstadt-Mitte",
    }
    assert client.post(url, data).status_code == 302
    office.refresh_from_db()
    assert (office.name_gender, office.name_genitive) == (
        "neuter",
        "Bezirksamtes Musterstadt-Mitte",
    )
    html = client.get(url).content.decode()
    assert "des Bezirksamtes Musterstadt-Mitte" in html  # the forms as they will read
    contact = client.get(reverse("contact:form", args=[office.slug])).content.decode()
    assert "Nachricht an das Bezirksamt Musterstadt-Mitte" in contact
