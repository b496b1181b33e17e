"""Priority, topics and category of a conversation; a new category brings its own
response-time target."""

import pytest

from rathaus.audit.models import AuditEntry
from rathaus.inbox import work
from rathaus.inbox.models import Conversation
from rathaus.offices.access import LifecycleError
from tests.helpers import ask


@pytest.fixture
def conversation(office):
    return ask(office, "?", channel="contact", remote_id="c:1").conversation


def test_priority_and_topics_are_set_and_logged(conversation, agent):
    work.set_details(
        conversation, priority=Conversation.Priority.URGENT, topics=["Bäume", " "], by=agent
    )
    conversation.refresh_from_db()
    assert conversation.priority == Conversation.Priority.URGENT
    assert [t.name for t in conversation.topics.all()] == ["Bäume"]
    assert AuditEntry.objects.filter(action="details_changed").exists()


def test_an_outsider_cannot_change_details(conversation, outsider):
    with pytest.raises(LifecycleError):
        work.set_details(conversation, priority=0, by=outsider)


def test_a_new_category_brings_its_response_time_target(conversation, agent, office):
    from rathaus.response_times.models import ResponseTarget

    ResponseTarget.objects.create(
        office=office, category="emergency", first_response_hours=1, resolution_hours=4
    )
    assert conversation.first_response_due is None
    work.set_details(conversation, category="emergency", by=agent)
    conversation.refresh_from_db()
    assert conversation.first_response_due is not None
