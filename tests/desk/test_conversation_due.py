"""The conversation page says how long is left to its response-time target, the way its
row in the inbox does (desk.due_times): the target, the time left or overdue in words, and
a <time>."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.inbox import work
from rathaus.inbox.models import Conversation
from tests.helpers import ask, log_in, make_user


def _page(client, office, conversation) -> str:
    response = client.get(reverse("desk:conversation", args=[office.slug, conversation.pk]))
    assert response.status_code == 200
    facts = re.search(r'<p class="meta conversation-facts">.*?</p>', response.text, re.S)
    return facts[0]


@pytest.fixture
def conversation(office):
    return ask(office, "<p>Wann wird die Linde gefällt?</p>").conversation


def test_the_page_says_how_long_is_left_to_the_first_answer(
    english_agent_client, office, conversation
):
    due = timezone.now() + timedelta(hours=3, minutes=30)
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=due, resolution_due=due + timedelta(days=3)
    )
    facts = _page(english_agent_client, office, conversation)
    local = timezone.localtime(due, office.zone).isoformat()
    assert re.search(
        rf'First answer <time datetime="{re.escape(local)}">due in 3 hours</time>', facts
    )


def test_an_overdue_conversation_says_since_when_in_german(agent_client, office, conversation):
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=timezone.now() - timedelta(days=2, hours=5)
    )
    facts = _page(agent_client, office, conversation)
    assert re.search(r"Erste Antwort <time [^>]*>überfällig seit 2 Tagen</time>", facts)


def test_once_answered_it_counts_to_closing(english_agent_client, office, conversation):
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=now - timedelta(hours=1),
        first_response_at=now - timedelta(hours=2),
        resolution_due=now + timedelta(minutes=45, seconds=30),
    )
    facts = _page(english_agent_client, office, conversation)
    assert re.search(r"Closing <time [^>]*>due in 45 minutes</time>", facts)
    assert "First answer" not in facts


def test_closed_and_untargeted_conversations_show_no_due_time(
    english_agent_client, office, agent, conversation
):
    assert "<time" not in _page(english_agent_client, office, conversation)
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=timezone.now() - timedelta(days=1)
    )
    assert "overdue for" in _page(english_agent_client, office, conversation)
    work.set_status(conversation, Conversation.Status.CLOSED, by=agent)
    assert "<time" not in _page(english_agent_client, office, conversation)


def test_another_offices_agent_sees_nothing_of_it(client, office, other_office, conversation):
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=timezone.now() + timedelta(hours=3)
    )
    stranger = make_user("fremd", other_office, "agent")
    log_in(client, stranger)
    response = client.get(reverse("desk:conversation", args=[office.slug, conversation.pk]))
    assert response.status_code == 404
