"""The FAQ and text-template settings pages: the dead end "Für die FAQ vorschlagen" ends
here, where an approver or office admin checks a suggested entry and publishes it."""

import pytest
from django.urls import reverse

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.answers.reuse import save_as_faq
from tests.helpers import ask, log_in, reply_as


@pytest.fixture
def admin_client(client, office_admin):
    return log_in(client, office_admin, language="en")


@pytest.fixture
def suggested(office, agent, django_capture_on_commit_callbacks):
    """An entry an agent suggested from their answer, as the inbox's button makes it."""
    question = ask(office, "Wann wird die Linde gefällt?", author_name="Anna Beispiel")
    answer = reply_as(
        agent,
        question.conversation,
        "Liebe Anna Beispiel, im Oktober.",
        django_capture_on_commit_callbacks,
    )
    return save_as_faq(answer, question="Wann werden Linden gefällt?", by=agent)


def _faq(office, name="settings_faq", *args):
    return reverse(f"desk:{name}", args=[office.slug, *args])


def test_suggested_entries_come_first_and_can_be_published(client, office, approver, suggested):
    FaqEntry.objects.create(office=office, question="Alt?", answer="Ja.", published=True)
    FaqEntry.objects.filter(pk=suggested.pk).update(position=5)  # first for being suggested
    log_in(client, approver, language="en")
    html = client.get(_faq(office)).content.decode()
    assert html.index("Wann werden Linden gefällt?") < html.index("Alt?")
    assert "Suggested, not published" in html
    assert "Anna" not in html  # the suggestion carries no citizen's name
    response = client.post(_faq(office, "settings_faq_publish", suggested.pk))
    assert response.status_code == 303
    suggested.refresh_from_db()
    assert suggested.published
    public = client.get(reverse("answers:faq", args=[office.slug])).content.decode()
    assert "Wann werden Linden gefällt?" in public


def test_an_entry_is_edited_taken_off_and_deleted(admin_client, office, suggested):
    url = _faq(office, "settings_faq_edit", suggested.pk)
    assert "im Oktober" in admin_client.get(url).content.decode()
    data = {"question": "Wann fällt das Amt Linden?", "answer": "Im **Oktober**.", "position": "7"}
    assert admin_client.post(url, data).status_code == 303
    suggested.refresh_from_db()
    assert (suggested.question, suggested.position) == ("Wann fällt das Amt Linden?", 7)
    admin_client.post(_faq(office, "settings_faq_publish", suggested.pk))
    admin_client.post(_faq(office, "settings_faq_unpublish", suggested.pk))
    suggested.refresh_from_db()
    assert not suggested.published
    admin_client.post(_faq(office, "settings_faq_delete", suggested.pk))
    assert not FaqEntry.objects.exists()


def test_a_get_changes_nothing(admin_client, office, suggested):
    for name in ("settings_faq_publish", "settings_faq_delete"):
        assert admin_client.get(_faq(office, name, suggested.pk)).status_code == 302
    suggested.refresh_from_db()
    assert not suggested.published


def test_a_new_entry_by_hand(admin_client, office):
    response = admin_client.post(
        _faq(office, "settings_faq_new"), {"question": "Parken?", "answer": "Hinterm Rathaus."}
    )
    assert response.status_code == 303
    entry = FaqEntry.objects.get()
    assert (entry.question, entry.published) == ("Parken?", False)


@pytest.mark.parametrize(
    "data",
    [
        {"question": "", "answer": "x"},
        {"question": "x" * 301, "answer": "x"},
        {"question": "Frage?", "answer": "   "},
        {"question": "Frage?", "answer": "x", "position": "-1"},
        {"question": "Frage?", "answer": "x", "position": "viele"},
    ],
)
def test_bad_faq_input_is_a_form_error(admin_client, office, data):
    response = admin_client.post(_faq(office, "settings_faq_new"), data)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not FaqEntry.objects.exists()


def test_publishing_twice_says_so(admin_client, office, suggested):
    admin_client.post(_faq(office, "settings_faq_publish", suggested.pk))
    response = admin_client.post(_faq(office, "settings_faq_publish", suggested.pk), follow=True)
    assert "published already" in response.content.decode()


def test_another_offices_entry_is_404(admin_client, office, other_office):
    theirs = FaqEntry.objects.create(office=other_office, question="Nord?", answer="Ja.")
    for name in ("settings_faq_edit", "settings_faq_publish", "settings_faq_delete"):
        assert (
            admin_client.post(
                _faq(office, name, theirs.pk), {"question": "x", "answer": "y"}
            ).status_code
            == 404
        )
    theirs.refresh_from_db()
    assert (theirs.question, theirs.published) == ("Nord?", False)


# ----- text templates -----------------------------------------------------------------------


def test_templates_are_written_changed_and_deleted(admin_client, office):
    new = reverse("desk:settings_template_new", args=[office.slug])
    data = {"title": "Dank", "body": "Guten Tag {name},\ndanke für Ihre Nachricht. {agent}"}
    assert admin_client.post(new, data).status_code == 303
    template = TextTemplate.objects.get()
    listing = admin_client.get(reverse("desk:settings_templates", args=[office.slug]))
    assert "Dank" in listing.content.decode()
    edit = reverse("desk:settings_template_edit", args=[office.slug, template.pk])
    assert admin_client.post(edit, data | {"body": "Danke."}).status_code == 303
    template.refresh_from_db()
    assert template.body == "Danke."
    delete = reverse("desk:settings_template_delete", args=[office.slug, template.pk])
    assert admin_client.post(delete).status_code == 303
    assert not TextTemplate.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "Dank", "body": "Hallo {nmae}"}, "body"),
        ({"title": "", "body": "x"}, "title"),
        ({"title": "x" * 121, "body": "x"}, "title"),
        ({"title": "Vorhanden", "body": "x"}, "title"),
    ],
)
def test_bad_template_input_is_a_form_error_on_its_field(admin_client, office, data, field):
    TextTemplate.objects.create(office=office, title="Vorhanden", body="x")
    response = admin_client.post(reverse("desk:settings_template_new", args=[office.slug]), data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert TextTemplate.objects.count() == 1


def test_the_template_form_names_the_placeholders(admin_client, office):
    html = admin_client.get(reverse("desk:settings_template_new", args=[office.slug]))
    assert "{office_hours}" in html.content.decode()


def test_approvers_find_the_faq_in_the_menu_and_editors_do_not(client, office, approver, editor):
    # An agent's suggestion promises publication by approvers: they need a way to the page.
    faq = _faq(office)
    log_in(client, approver)
    assert f'href="{faq}"' in client.get(reverse("desk:dashboard", args=[office.slug])).text
    log_in(client, editor)
    assert f'href="{faq}"' not in client.get(reverse("desk:dashboard", args=[office.slug])).text
