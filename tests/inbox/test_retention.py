"""Closed conversations lose their personal data when the office's retention period ends:
names, addresses, texts and photos go; channel, direction, times and counts stay."""

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from rathaus.audit.log import history, record
from rathaus.delivery.models import Delivery
from rathaus.inbox import inbound, notices, retention, tasks
from rathaus.inbox.models import Conversation, Message
from rathaus.notifications.models import Notification

NOW = timezone.now()


@pytest.fixture
def story(agent, tiny_png):
    """A factory: a citizen's question with a photo, our answer and a note, closed
    ``days`` ago (or still open)."""

    def make(office, *, days: int | None = 200, key: str = "1") -> Conversation:
        message, _ = inbound.receive(
            inbound.InboundMessage(
                office=office,
                channel="fediverse",
                remote_id=f"https://social.example/users/anna/statuses/{key}",
                text_html="<p>Die Linde vor Haus 12 ist morsch, siehe Foto.</p>",
                author_name="Anna Anwohnerin",
                author_handle="@anna@social.example",
                author_url="https://social.example/users/anna",
                author_email="anna@example.org",
                url=f"https://social.example/@anna/{key}",
            )
        )
        tiny_png.seek(0)
        message.photo.save("linde.png", tiny_png)
        conversation = message.conversation
        Message.objects.create(
            conversation=conversation,
            office=office,
            channel="fediverse",
            remote_id=f"https://rathaus.example/ap/presse/replies/{key}",
            in_reply_to=message.remote_id,
            direction=Message.Direction.OUTBOUND,
            author_user=agent,
            author_name="Agnes Agent",
            text_html="<p>Danke, Frau Anwohnerin, wir schauen uns die Linde an.</p>",
        )
        record(
            conversation,
            "note_added",
            by=agent,
            office=office,
            after={"text": "Anna wohnt in Haus 12"},
        )
        notices.tell([agent], conversation, Notification.Kind.MENTIONED, "Linde morsch")
        if days is not None:
            Conversation.objects.filter(pk=conversation.pk).update(
                status=Conversation.Status.CLOSED, closed_at=NOW - timedelta(days=days)
            )
        conversation.refresh_from_db()
        return conversation

    return make


def test_a_closed_conversation_past_retention_is_anonymised(office, story):
    conversation = story(office)
    photo = conversation.messages.get(direction="in").photo.name
    assert default_storage.exists(photo)
    assert retention.anonymise_expired(NOW) == 1
    conversation.refresh_from_db()
    assert conversation.anonymised_at == NOW
    assert (conversation.citizen_name, conversation.citizen_email) == ("", "")
    assert (conversation.citizen_handle, conversation.subject) == ("", "")
    assert (conversation.channel, conversation.status) == ("fediverse", "closed")
    question, answer = conversation.messages.order_by("direction")
    assert (question.direction, answer.direction) == ("in", "out")
    for message in (question, answer):
        assert message.text_html == ""
        assert (message.author_name, message.author_handle, message.author_url) == ("", "", "")
        assert (message.url, message.photo.name, message.in_reply_to) == ("", "", "")
        assert "anna" not in message.remote_id
        assert message.received_at is not None
    assert answer.author_user is not None  # who of the staff answered stays, for statistics
    assert not default_storage.exists(photo)
    assert not Notification.objects.filter(subject=f"conversation:{conversation.pk}").exists()


def test_open_and_recently_closed_conversations_are_untouched(office, story):
    still_open = story(office, days=None, key="open")
    Conversation.objects.filter(pk=still_open.pk).update(created_at=NOW - timedelta(days=900))
    young = story(office, days=179, key="young")
    # Reopened by the citizen: status open again although closed_at is old.
    reopened = story(office, days=400, key="reopened")
    Conversation.objects.filter(pk=reopened.pk).update(status=Conversation.Status.OPEN)
    assert retention.anonymise_expired(NOW) == 0
    for conversation in (still_open, young, reopened):
        conversation.refresh_from_db()
        assert conversation.anonymised_at is None
        assert conversation.citizen_name == "Anna Anwohnerin"
        question = conversation.messages.get(direction="in")
        assert "Linde" in question.text_html
        assert default_storage.exists(question.photo.name)
        # Its notification stays too: erasing finds only those of the conversations erased.
        assert Notification.objects.get(subject=f"conversation:{conversation.pk}").text == (
            "Linde morsch"
        )


def test_a_second_run_changes_nothing(office, story):
    conversation = story(office)
    assert retention.anonymise_expired(NOW) == 1
    entries = history(conversation).count()
    conversation.refresh_from_db()
    assert retention.anonymise_expired(NOW + timedelta(days=1)) == 0
    assert history(conversation).count() == entries
    again = Conversation.objects.get(pk=conversation.pk)
    assert again.anonymised_at == conversation.anonymised_at


def test_each_office_keeps_conversations_for_its_own_period(office, other_office, story):
    office.retention_days = 30
    office.save()
    other_office.retention_days = 365
    other_office.save()
    short = story(office, days=60, key="a")
    long = story(other_office, days=60, key="b")
    assert retention.anonymise_expired(NOW) == 1
    short.refresh_from_db()
    long.refresh_from_db()
    assert short.anonymised_at is not None
    assert long.anonymised_at is None
    assert long.citizen_name == "Anna Anwohnerin"


def test_the_audit_log_keeps_the_facts_but_not_the_texts(office, story):
    conversation = story(office)
    assert history(conversation).get(action="note_added").after == {"text": "Anna wohnt in Haus 12"}
    retention.anonymise_expired(NOW)
    note = history(conversation).get(action="note_added")  # that a note was written stays
    assert note.after == {}
    entry = history(conversation).get(action="anonymised")
    assert entry.after == {"messages": 2, "photos": 1}
    assert entry.actor is None
    written = json.dumps([entry.message, entry.before, entry.after])
    for personal in ("Anna", "anna", "Linde", "social.example"):
        assert personal not in written


def test_a_reply_still_waiting_to_go_out_is_not_sent_without_its_text(office, story):
    conversation = story(office)
    answer = conversation.messages.get(direction="out")
    pending = Delivery.objects.create(
        subject=answer,
        channel="fediverse",
        action=Delivery.Action.REPLY,
        content_hash="x",
        idempotency_key="reply:test",
        status=Delivery.Status.FAILED,
        last_error="anna@social.example: 503",
    )
    retention.anonymise_expired(NOW)
    assert not Delivery.objects.filter(pk=pending.pk).exists()


def test_a_late_answer_to_an_anonymised_conversation_starts_a_new_one(office, story):
    conversation = story(office)
    retention.anonymise_expired(NOW)
    message, created = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel="fediverse",
            remote_id="https://social.example/users/anna/statuses/99",
            in_reply_to="https://rathaus.example/ap/presse/replies/1",
            text_html="<p>Und?</p>",
            author_handle="@anna@social.example",
        )
    )
    assert created
    assert message.conversation_id != conversation.pk
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED


def test_other_apps_hear_which_conversations_were_anonymised(office, story):
    conversation = story(office)
    heard = []

    def receiver(sender, conversation_ids, **kwargs):
        heard.extend(conversation_ids)

    retention.conversations_anonymised.connect(receiver)
    try:
        retention.anonymise_expired(NOW)
    finally:
        retention.conversations_anonymised.disconnect(receiver)
    assert heard == [conversation.pk]


def test_the_daily_task_anonymises(office, story):
    conversation = story(office, days=181)
    assert tasks.anonymise_expired_conversations.call_local() == 1
    conversation.refresh_from_db()
    assert conversation.anonymised_at is not None


def test_many_conversations_are_done_in_batches(office, story, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    made = [story(office, key=str(n)) for n in range(5)]
    assert retention.anonymise_expired(NOW) == 5
    assert not Conversation.objects.filter(pk__in=[c.pk for c in made], anonymised_at=None)
