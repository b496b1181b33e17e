"""Assigning a conversation: to agents of the office and its teams only, logged, and the
new assignee is told in the app."""

import pytest

from rathaus.audit.models import AuditEntry
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Team
from rathaus.notifications.models import Notification
from rathaus.offices.access import LifecycleError
from tests.helpers import ask


@pytest.fixture
def conversation(office):
    return ask(office, "Wann?", channel="contact", remote_id="contact:1").conversation


def test_an_agent_assigns_a_colleague_who_is_notified(conversation, agent, office_admin):
    work.assign(conversation, to=office_admin, by=agent)
    conversation.refresh_from_db()
    assert conversation.assignee == office_admin
    assert conversation.status == Conversation.Status.OPEN
    assert Notification.objects.get().user == office_admin
    entry = AuditEntry.objects.get(action="assigned")
    assert entry.after == {"assignee": str(office_admin), "team": ""}


def test_taking_it_oneself_sends_no_notification(conversation, agent):
    work.assign(conversation, to=agent, by=agent)
    assert not Notification.objects.exists()


def test_it_assigns_to_a_team_of_the_office(conversation, agent, office):
    team = Team.objects.create(office=office, name="Grünflächen")
    work.assign(conversation, team=team, by=agent)
    assert Conversation.objects.get().team == team


def test_it_refuses_a_team_of_another_office(conversation, agent, other_office):
    team = Team.objects.create(office=other_office, name="Nord")
    with pytest.raises(LifecycleError):
        work.assign(conversation, team=team, by=agent)
    assert Conversation.objects.get().team is None


def test_it_refuses_an_assignee_who_is_no_agent_here(conversation, agent, editor, outsider):
    for person in (editor, outsider):
        with pytest.raises(LifecycleError):
            work.assign(conversation, to=person, by=agent)
    assert Conversation.objects.get().assignee is None


def test_an_outsider_cannot_assign(conversation, outsider):
    with pytest.raises(LifecycleError):
        work.assign(conversation, to=outsider, by=outsider)
