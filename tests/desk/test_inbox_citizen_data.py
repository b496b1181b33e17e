"""Data-subject requests on the desk: only office admins; export downloads the citizen's
data as JSON, erasure needs an explicit confirmation; bad input is refused clearly."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.inbox.models import Conversation
from tests.helpers import ask, log_in


@pytest.fixture
def question(office):
    return ask(
        office,
        "<p>Meine Adresse ist Lindenallee 3</p>",
        channel="contact",
        remote_id="q:1",
        author_name="Berta Bürgerin",
        author_email="berta@example.org",
    ).conversation


@pytest.fixture
def admin_client(client, office_admin):
    log_in(client, office_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(office):
    return reverse("desk:citizen_data", args=[office.slug])


def test_only_office_admins_see_the_page(client, office, agent, editor, approver, office_admin):
    for user in (agent, editor, approver):
        log_in(client, user)
        assert client.get(_url(office)).status_code == 403
        assert client.post(_url(office), {"email": "a@b.de", "action": "export"}).status_code == 403
    log_in(client, office_admin)
    html = client.get(_url(office)).content.decode()
    assert 'for="id_email"' in html and 'for="id_handle"' in html and 'for="id_confirm"' in html


def test_the_inbox_links_the_page_for_admins_only(client, office, agent, office_admin):
    log_in(client, agent)
    assert (
        _url(office) not in client.get(reverse("desk:inbox", args=[office.slug])).content.decode()
    )
    log_in(client, office_admin)
    assert _url(office) in client.get(reverse("desk:inbox", args=[office.slug])).content.decode()


def test_export_downloads_json(admin_client, office, question):
    response = admin_client.post(_url(office), {"email": "berta@example.org", "action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="buergerdaten-mitte-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert [c["reference"] for c in data["conversations"]] == [question.reference]
    assert "Lindenallee 3" in data["conversations"][0]["messages"][0]["text_html"]
    assert AuditEntry.objects.filter(action="citizen_data_exported").exists()


def test_erasure_needs_a_confirmation(admin_client, office, question):
    response = admin_client.post(_url(office), {"email": "berta@example.org", "action": "erase"})
    assert response.status_code == 400
    assert "Confirm the erasure" in response.content.decode()
    question.refresh_from_db()
    assert question.citizen_name == "Berta Bürgerin"
    assert not AuditEntry.objects.filter(action="citizen_data_erased").exists()


def test_erasure_anonymises_and_reports_the_counts(admin_client, office, question):
    data = {"email": "berta@example.org", "action": "erase", "confirm": "on"}
    response = admin_client.post(_url(office), data, follow=True)
    assert "Erased: 1 conversations" in response.content.decode()
    question = Conversation.objects.get(pk=question.pk)
    assert question.anonymised_at is not None
    assert question.citizen_email == ""
    assert AuditEntry.objects.filter(action="citizen_data_erased").exists()


def test_a_request_without_an_address_is_refused(admin_client, office):
    response = admin_client.post(_url(office), {"action": "export"})
    assert response.status_code == 400
    assert "Give an email address or a platform address." in response.content.decode()


def test_a_malformed_handle_is_refused_with_the_reason(admin_client, office, question):
    response = admin_client.post(_url(office), {"handle": "nur-ein-name", "action": "export"})
    assert response.status_code == 400
    assert "looks like @name@example.org" in response.content.decode()
