"""FAQ entries and text templates written by hand: who may, what is refused, what is
logged, and when the cached newsroom pages expire."""

import pytest
from django.core.exceptions import ValidationError

from rathaus.answers import editing
from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.audit.log import history
from rathaus.audit.models import AuditEntry
from rathaus.offices.access import LifecycleError


@pytest.fixture
def entry(office):
    return FaqEntry.objects.create(office=office, question="Wann?", answer="Montags.", position=3)


@pytest.mark.parametrize("who", ["approver", "office_admin"])
def test_approvers_and_admins_write_faq_entries_unpublished_at_the_end(office, entry, request, who):
    person = request.getfixturevalue(who)
    new = editing.write_faq(office, question="  Wo   genau? ", answer="Im Rathaus.", by=person)
    assert (new.question, new.published, new.position) == ("Wo genau?", False, 4)
    [logged] = history(new)
    assert (logged.action, logged.actor, logged.after["question"]) == (
        "faq_created",
        person,
        "Wo genau?",
    )


@pytest.mark.parametrize("who", ["agent", "editor", "outsider"])
def test_others_cannot_write_change_or_delete(office, entry, request, who):
    person = request.getfixturevalue(who)
    with pytest.raises(LifecycleError):
        editing.write_faq(office, question="Neu?", answer="x", by=person)
    with pytest.raises(LifecycleError):
        editing.write_faq(office, question="Anders?", answer="x", entry=entry, by=person)
    with pytest.raises(LifecycleError):
        editing.delete_faq(entry, by=person)
    entry.refresh_from_db()
    assert entry.question == "Wann?"
    assert FaqEntry.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_change_is_logged_with_before_and_after(office, entry, approver):
    editing.write_faq(office, question="Wann genau?", answer="Dienstags.", entry=entry, by=approver)
    entry.refresh_from_db()
    assert (entry.question, entry.answer, entry.position) == ("Wann genau?", "Dienstags.", 3)
    [logged] = history(entry)
    assert logged.action == "faq_changed"
    assert (logged.before["answer"], logged.after["answer"]) == ("Montags.", "Dienstags.")


def test_changing_a_published_entry_expires_the_newsroom(office, entry, approver):
    FaqEntry.objects.filter(pk=entry.pk).update(published=True)
    entry.refresh_from_db()
    version = office.content_version
    editing.write_faq(office, question="Wann?", answer="Neu.", entry=entry, by=approver)
    office.refresh_from_db()
    assert office.content_version == version + 1


def test_an_entry_of_another_office_is_refused(other_office, entry, outsider):
    with pytest.raises(LifecycleError):
        editing.write_faq(other_office, question="Meins?", answer="x", entry=entry, by=outsider)
    entry.refresh_from_db()
    assert entry.question == "Wann?"


@pytest.mark.parametrize(("question", "answer"), [("   ", "x"), ("x" * 301, "x"), ("Wann?", " ")])
def test_empty_or_long_texts_are_refused(office, approver, question, answer):
    with pytest.raises(LifecycleError):
        editing.write_faq(office, question=question, answer=answer, by=approver)
    assert not FaqEntry.objects.exists()


def test_deleting_is_logged_and_a_published_one_expires_the_newsroom(office, entry, approver):
    FaqEntry.objects.filter(pk=entry.pk).update(published=True)
    entry.refresh_from_db()
    version = office.content_version
    editing.delete_faq(entry, by=approver)
    assert not FaqEntry.objects.exists()
    logged = AuditEntry.objects.get(action="faq_deleted")
    assert logged.before["question"] == "Wann?" and logged.before["published"] is True
    office.refresh_from_db()
    assert office.content_version == version + 1


# ----- text templates -----------------------------------------------------------------------


def test_an_office_admin_writes_and_changes_a_template(office, office_admin):
    template = editing.write_template(office, title="Dank", body="Danke, {name}.", by=office_admin)
    assert template.created_by == office_admin
    editing.write_template(
        office, title="Dank ", body="Vielen Dank, {name}.", template=template, by=office_admin
    )
    template.refresh_from_db()
    assert template.body == "Vielen Dank, {name}."
    assert [e.action for e in history(template)] == ["template_changed", "template_created"]


@pytest.mark.parametrize("who", ["agent", "approver", "editor", "outsider"])
def test_only_office_admins_write_templates(office, request, who):
    with pytest.raises(LifecycleError):
        editing.write_template(office, title="T", body="x", by=request.getfixturevalue(who))
    assert not TextTemplate.objects.exists()


def test_an_unknown_placeholder_is_refused(office, office_admin):
    with pytest.raises(ValidationError):
        editing.write_template(office, title="T", body="Hallo {nmae}", by=office_admin)
    assert not TextTemplate.objects.exists()


def test_a_title_is_taken_once_per_office(office, other_office, office_admin, outsider):
    editing.write_template(office, title="Dank", body="x", by=office_admin)
    other = editing.write_template(office, title="Gruß", body="y", by=office_admin)
    with pytest.raises(LifecycleError):
        editing.write_template(office, title="Dank", body="z", by=office_admin)
    with pytest.raises(LifecycleError):
        editing.write_template(office, title="Dank", body="z", template=other, by=office_admin)
    editing.write_template(other_office, title="Dank", body="z", by=outsider)  # another office
    assert TextTemplate.objects.filter(title="Dank").count() == 2


def test_deleting_a_template_is_logged(office, office_admin, agent):
    template = editing.write_template(office, title="Dank", body="x", by=office_admin)
    with pytest.raises(LifecycleError):
        editing.delete_template(template, by=agent)
    editing.delete_template(template, by=office_admin)
    assert not TextTemplate.objects.exists()
    assert AuditEntry.objects.get(action="template_deleted").before == {
        "title": "Dank",
        "body": "x",
    }
