"""Moderating a citizen's public comment from the desk: hide, show again, delete or
report, each with a netiquette reason, in the audit log."""

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from tests.helpers import ask, log_in


@pytest.fixture
def comment(office):
    office.netiquette = "Regel 2: Keine Beleidigungen."
    office.save()
    return ask(
        office,
        "<p>Ihr seid alle …</p>",
        channel="fediverse",
        remote_id="https://social.example/statuses/9",
        is_public=True,
    )


def _moderate(client, user, comment, action, reason=""):
    log_in(client, user)
    conversation = comment.conversation
    url = reverse("desk:conversation_moderate", args=[conversation.office.slug, conversation.pk])
    data = {"message": comment.pk, f"m{comment.pk}-action": action, f"m{comment.pk}-reason": reason}
    return client.post(url, data)


def test_the_page_offers_moderation_with_the_netiquette(client, agent, comment):
    log_in(client, agent)
    conversation = comment.conversation
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    html = client.get(url).content.decode()
    assert f'name="m{comment.pk}-action"' in html
    assert f'for="id_m{comment.pk}-reason"' in html
    assert "Regel 2: Keine Beleidigungen." in html


def test_hide_and_show_again(client, agent, comment):
    response = _moderate(client, agent, comment, "hide", "Regel 2")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.moderation_reason == "Regel 2"
    _moderate(client, agent, comment, "unhide")
    comment.refresh_from_db()
    assert comment.hidden_at is None
    actions = AuditEntry.objects.order_by("pk").values_list("action", "message")
    assert list(actions) == [("comment_hide", "Regel 2"), ("comment_unhide", "")]


def test_delete_removes_the_text(client, agent, comment):
    _moderate(client, agent, comment, "delete", "Regel 2")
    comment.refresh_from_db()
    assert comment.text_html == ""
    assert comment.removed_at is not None
    entry = AuditEntry.objects.get(action="comment_delete")
    assert entry.actor == agent
    assert entry.message == "Regel 2"


def test_a_step_without_a_reason_is_refused(client, agent, comment):
    response = _moderate(client, agent, comment, "hide")
    assert response.status_code == 400
    assert f'id="id_m{comment.pk}-reason_error"' in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not AuditEntry.objects.exists()


def test_editors_may_not_moderate(client, editor, comment):
    assert _moderate(client, editor, comment, "hide", "Regel 2").status_code == 403
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_our_own_answers_and_notes_are_not_moderated_here(client, agent, comment):
    from rathaus.inbox import work

    note = work.add_note(comment.conversation, "intern", by=agent)
    log_in(client, agent)
    conversation = comment.conversation
    url = reverse("desk:conversation_moderate", args=[conversation.office.slug, conversation.pk])
    data = {"message": note.pk, f"m{note.pk}-action": "delete", f"m{note.pk}-reason": "x"}
    assert client.post(url, data).status_code == 404
    note.refresh_from_db()
    assert note.text_html
