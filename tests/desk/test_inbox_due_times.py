"""Each row of the inbox says how long is left to its response-time target, or how long it
is overdue, in words and as a <time>; a conversation stored without a subject is named by
its first words."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.desk.due_times import words
from rathaus.inbox import inbound, work
from rathaus.inbox.models import Conversation
from tests.helpers import ask

NOW = timezone.now()


def _row(client, office, conversation, **params) -> str:
    html = client.get(reverse("desk:inbox", args=[office.slug]), params).text
    link = reverse("desk:conversation", args=[office.slug, conversation.pk])
    return re.search(rf"<tr[^>]*>\s*<td>[^\n]*{re.escape(link)}.*?</tr>", html, re.S)[0]


def _due(conversation, **fields):
    Conversation.objects.filter(pk=conversation.pk).update(**fields)


@pytest.fixture
def conversation(office):
    return ask(office, "<p>Wann wird die Linde gefällt?</p>").conversation


def test_a_row_says_how_long_is_left_to_the_first_answer(
    english_agent_client, office, conversation
):
    due = timezone.now() + timedelta(hours=3, minutes=30)
    _due(conversation, first_response_due=due, resolution_due=due + timedelta(days=3))
    row = _row(english_agent_client, office, conversation)
    assert "First answer" in row
    assert f'<time datetime="{timezone.localtime(due, office.zone).isoformat()}">' in row
    assert re.search(r"<time [^>]*>due in 3 hours</time>", row)


def test_an_overdue_row_says_since_when(english_agent_client, office, conversation):
    _due(conversation, first_response_due=timezone.now() - timedelta(days=2, hours=5))
    row = _row(english_agent_client, office, conversation)
    assert re.search(r"First answer <time [^>]*>overdue for 2 days</time>", row)


def test_once_answered_the_row_counts_to_closing(english_agent_client, office, agent, conversation):
    now = timezone.now()
    _due(
        conversation,
        first_response_due=now - timedelta(hours=1),
        first_response_at=now - timedelta(hours=2),
        resolution_due=now + timedelta(minutes=45, seconds=30),
    )
    row = _row(english_agent_client, office, conversation)
    assert re.search(r"Closing <time [^>]*>due in 45 minutes</time>", row)
    assert "First answer" not in row


def test_closed_and_untargeted_rows_show_no_due_time(
    english_agent_client, office, agent, conversation
):
    row = _row(english_agent_client, office, conversation)  # no target set
    assert "<time" in row and "due in" not in row and "overdue for" not in row
    _due(conversation, first_response_due=timezone.now() - timedelta(days=1))
    work.set_status(conversation, Conversation.Status.CLOSED, by=agent)
    row = _row(english_agent_client, office, conversation, queue="closed")
    assert "overdue for" not in row


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(seconds=20), "due in 1 minute"),
        (timedelta(minutes=59, seconds=59), "due in 59 minutes"),
        (timedelta(hours=1), "due in 1 hour"),
        (timedelta(hours=47, minutes=59), "due in 47 hours"),
        (timedelta(days=2), "due in 2 days"),
        (timedelta(days=-1, hours=23, minutes=59), "overdue for 1 minute"),
        (-timedelta(hours=1, minutes=1), "overdue for 1 hour"),
        (-timedelta(days=9, hours=23), "overdue for 9 days"),
    ],
)
def test_the_words_take_one_unit_rounded_down(english_messages, left, expected):
    assert words(NOW + left, NOW) == expected


def test_a_conversation_without_a_subject_is_named_by_its_first_words(english_agent_client, office):
    text = "Vor meinem Haus in der Marktstraße 12 ist seit zwei Wochen ein Schlagloch. " * 3
    conversation = ask(office, f"<p>{text}</p>\n<p>Wer ist zuständig?</p>").conversation
    _due(conversation, subject="")  # as rows of before, and a photo with a later text
    row = _row(english_agent_client, office, conversation)
    name = re.search(r"<a data-row [^>]*>([^<]*)</a>", row)[1]
    assert name.startswith("Vor meinem Haus in der Marktstraße 12 ist seit zwei Wochen")
    assert name.endswith("…") and len(name) <= inbound.SUBJECT_CHARS
    assert text.startswith(name[:-1])  # cut where a word ends
    assert conversation.reference not in name


def test_a_new_conversation_gets_its_subject_cut_where_a_word_ends(office):
    text = "Vor meinem Haus in der Marktstraße 12 ist seit zwei Wochen ein Schlagloch. " * 3
    conversation = ask(office, f"<p>{text}</p>", channel="fediverse").conversation
    assert conversation.subject.endswith("…")
    assert text.startswith(conversation.subject[:-1])
    assert text[len(conversation.subject) - 1] == " "
