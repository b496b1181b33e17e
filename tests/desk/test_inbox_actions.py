"""Assigning, setting the status and details and writing internal notes from the desk:
each form calls its verb, the database and the audit log show it, and a refusal keeps
what was typed."""

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.inbox import inbound
from rathaus.inbox.models import Conversation, Message, Team
from rathaus.notifications.models import Notification
from rathaus.offices.models import Role
from tests.helpers import ask, log_in, make_user


@pytest.fixture
def conversation(office):
    return ask(office, "<p>Frage</p>", channel="contact", remote_id="q:1").conversation


def _login(client, user):
    log_in(client, user)
    return client


def _post(client, name, conversation, data, query=""):
    url = reverse(f"desk:{name}", args=[conversation.office.slug, conversation.pk])
    return client.post(f"{url}{query}", data)


def _actions(conversation) -> list[str]:
    return list(
        AuditEntry.objects.filter(subject_id=conversation.pk, subject_type="inbox.conversation")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_assign_to_me_in_one_click(client, agent, conversation):
    response = _post(_login(client, agent), "conversation_assign", conversation, {"me": "1"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.assignee == agent
    assert conversation.status == Conversation.Status.OPEN
    assert _actions(conversation) == ["assigned"]


def test_assign_to_a_colleague_and_a_team_notifies_the_colleague(
    client, agent, office, conversation
):
    colleague = make_user("kim.kollege", office, Role.AGENT)
    team = Team.objects.create(office=office, name="Grünflächen")
    data = {"assign-to": colleague.pk, "assign-team": team.pk}
    _post(_login(client, agent), "conversation_assign", conversation, data)
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.team) == (colleague, team)
    assert Notification.objects.get().user == colleague
    entry = AuditEntry.objects.get(action="assigned")
    assert entry.actor == agent
    assert entry.after == {"assignee": str(colleague), "team": "Grünflächen"}


def test_only_agents_of_the_office_can_be_chosen(client, agent, editor, outsider, conversation):
    for stranger in (editor, outsider):
        data = {"assign-to": stranger.pk}
        response = _post(_login(client, agent), "conversation_assign", conversation, data)
        assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.assignee is None
    assert _actions(conversation) == []


def test_a_team_of_another_office_cannot_be_chosen(client, agent, other_office, conversation):
    foreign = Team.objects.create(office=other_office, name="Nord-Team")
    data = {"assign-team": foreign.pk}
    response = _post(_login(client, agent), "conversation_assign", conversation, data)
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.team is None


def test_status_and_close(client, agent, conversation):
    _login(client, agent)
    _post(client, "conversation_status", conversation, {"status-status": "waiting"})
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.WAITING
    _post(client, "conversation_status", conversation, {"status-status": "closed"})
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED
    assert conversation.closed_at is not None
    assert _actions(conversation) == ["status_changed", "status_changed"]
    entry = AuditEntry.objects.filter(action="status_changed").order_by("pk").last()
    assert (entry.before, entry.after) == ({"status": "waiting"}, {"status": "closed"})


def test_an_unknown_status_is_refused(client, agent, conversation):
    response = _post(
        _login(client, agent), "conversation_status", conversation, {"status-status": "x"}
    )
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.NEW


def test_priority_topics_and_category(client, agent, conversation):
    data = {
        "details-priority": "3",
        "details-topics": "Bäume, Verkehr , ",
        "details-category": "short_notice",
    }
    _post(_login(client, agent), "conversation_details", conversation, data)
    conversation.refresh_from_db()
    assert conversation.priority == Conversation.Priority.URGENT
    assert conversation.category == "short_notice"
    assert sorted(t.name for t in conversation.topics.all()) == ["Bäume", "Verkehr"]
    assert AuditEntry.objects.get(action="details_changed").after["topics"] == ["Bäume", "Verkehr"]


def test_a_note_with_a_mention_notifies_the_colleague(client, agent, office_admin, conversation):
    text = f"@{office_admin.username} kannst du das übernehmen?"
    response = _post(_login(client, agent), "conversation_note", conversation, {"note-text": text})
    assert response.status_code == 302
    note = Message.objects.get(direction=Message.Direction.NOTE)
    assert "übernehmen" in note.text_html
    assert note.author_user == agent
    assert Notification.objects.get().user == office_admin
    assert _actions(conversation) == ["note_added"]


def test_editors_and_approvers_may_write_notes_where_the_office_opened_the_inbox(
    client, office, editor, approver, conversation
):
    # Issue 12: editors and approvers read the inbox only where the office allows it.
    for user in (editor, approver):
        data = {"note-text": f"Hinweis von {user.username}"}
        response = _post(_login(client, user), "conversation_note", conversation, data)
        assert response.status_code == 403
    assert not Message.objects.filter(direction=Message.Direction.NOTE).exists()
    office.inbox_open_to_editors = True
    office.save()
    for user in (editor, approver):
        data = {"note-text": f"Hinweis von {user.username}"}
        response = _post(_login(client, user), "conversation_note", conversation, data)
        assert response.status_code == 302
    assert Message.objects.filter(direction=Message.Direction.NOTE).count() == 2


def test_editors_may_not_assign_or_change_the_status(client, office, editor, conversation):
    office.inbox_open_to_editors = True  # even where they may read the inbox
    office.save()
    _login(client, editor)
    assert _post(client, "conversation_assign", conversation, {"me": "1"}).status_code == 403
    data = {"status-status": "closed"}
    assert _post(client, "conversation_status", conversation, data).status_code == 403
    data = {"details-priority": "3"}
    assert _post(client, "conversation_details", conversation, data).status_code == 403
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.status) == (None, Conversation.Status.NEW)
    assert _actions(conversation) == []


def test_a_refused_note_keeps_nothing_and_says_why(client, agent, conversation):
    from django.utils import timezone

    Conversation.objects.filter(pk=conversation.pk).update(anonymised_at=timezone.now())
    text = "Ein langer Gedanke, der nicht verloren gehen soll"
    response = _post(_login(client, agent), "conversation_note", conversation, {"note-text": text})
    assert response.status_code == 400
    assert text in response.content.decode()  # the typed text is still in the form
    assert not Message.objects.filter(direction=Message.Direction.NOTE).exists()


def test_the_step_returns_to_the_conversation_in_its_queue(client, agent, conversation):
    response = _post(
        _login(client, agent), "conversation_assign", conversation, {"me": "1"}, "?queue=mine"
    )
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    assert response["Location"].startswith(f"{url}?queue=mine")


def test_a_get_changes_nothing(client, agent, conversation):
    url = reverse("desk:conversation_status", args=[conversation.office.slug, conversation.pk])
    response = _login(client, agent).get(url, {"status-status": "closed"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.NEW


def test_the_assign_list_holds_only_this_offices_agents(client, agent, office, other_office):
    from rathaus.offices.models import Membership

    # Editor here, admin elsewhere: the admin role there makes no agent here.
    mixed = make_user("mia.mixed", office, Role.EDITOR)
    Membership.objects.create(user=mixed, office=other_office, role=Role.ADMIN)
    message, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel="contact", remote_id="q:9", text_html="?")
    )
    _login(client, agent)
    url = reverse("desk:conversation", args=[office.slug, message.conversation_id])
    form = client.get(url).context["assign_form"]
    assert list(form.fields["to"].queryset) == [agent]
