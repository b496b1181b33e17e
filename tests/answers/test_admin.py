"""Text templates and FAQ entries in the Django admin: an office admin sees and creates them
only for their offices; publishing from the admin goes through the logged verb."""

import pytest

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.audit.log import history


@pytest.fixture
def admin_client(admin_site_as):
    return admin_site_as("answers")


@pytest.fixture
def templates(office, other_office):
    return (
        TextTemplate.objects.create(office=office, title="Baumfällung Mitte", body="Hallo {name}"),
        TextTemplate.objects.create(office=other_office, title="Sperrmüll Nord", body="Hallo"),
    )


def test_an_office_admin_sees_only_their_templates(admin_client, templates):
    page = admin_client.get("/admin/answers/texttemplate/")
    assert page.status_code == 200
    assert b"Baumf\xc3\xa4llung Mitte" in page.content
    assert b"Sperrm\xc3\xbcll Nord" not in page.content
    other = admin_client.get(f"/admin/answers/texttemplate/{templates[1].pk}/change/")
    assert other.status_code == 302


def test_an_office_admin_creates_templates_only_for_their_offices(
    admin_client, office, other_office, office_admin
):
    admin_client.post(
        "/admin/answers/texttemplate/add/",
        {"office": other_office.pk, "title": "Gekapert", "body": "x"},
    )
    assert not TextTemplate.objects.filter(title="Gekapert").exists()
    admin_client.post(
        "/admin/answers/texttemplate/add/",
        {"office": office.pk, "title": "Sprechzeiten", "body": "{office_hours}"},
    )
    created = TextTemplate.objects.get(title="Sprechzeiten")
    assert (created.office, created.created_by) == (office, office_admin)
    assert history(created).get().action == "template_created"


def test_a_template_with_a_typo_in_a_placeholder_is_refused(admin_client, office):
    page = admin_client.post(
        "/admin/answers/texttemplate/add/",
        {"office": office.pk, "title": "Tippfehler", "body": "Hallo {nmae}"},
    )
    assert page.status_code == 200
    assert b"{nmae}" in page.content
    assert not TextTemplate.objects.filter(title="Tippfehler").exists()


def test_publishing_from_the_admin_is_logged(admin_client, office, other_office, office_admin):
    mine = FaqEntry.objects.create(office=office, question="Mitte?", answer="Ja")
    theirs = FaqEntry.objects.create(office=other_office, question="Nord?", answer="Nein")
    admin_client.post(
        "/admin/answers/faqentry/",
        {"action": "publish", "_selected_action": [mine.pk, theirs.pk]},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.published and not theirs.published
    assert history(mine).get().action == "faq_published"
    assert not history(theirs).exists()
