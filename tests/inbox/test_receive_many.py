"""receive_many gives exactly what receive() one by one gives — deduplication, threading,
reopening, sanitising, the conversation_opened signal — in a few queries per batch."""

import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.inbox import ingest
from rathaus.inbox.inbound import InboundMessage, conversation_opened, receive
from rathaus.inbox.ingest import receive_many
from rathaus.inbox.models import Conversation, Message

LONG = "x" * 600


def _in(office, channel, remote_id, **fields):
    text = fields.pop("text_html", f"<p>Nachricht {remote_id}</p>")
    return InboundMessage(
        office=office, channel=channel, remote_id=remote_id, text_html=text, **fields
    )


def earlier(office):
    """Held before the batch, in conversations the office has worked on since."""
    return [
        _in(office, "email", "<m1@web.example>", author_name="Anna", author_email="a@web.example"),
        _in(office, "email", "<m2@web.example>", subject="Laterne"),
        _in(office, "fediverse", "https://social.example/s/1", is_public=True),
        _in(office, "contact", "contact:1", author_name="Ben"),
        _in(office, "contact", "contact:2"),
    ]


STATUSES = {
    "<m1@web.example>": "answered",
    "<m2@web.example>": "closed",
    "https://social.example/s/1": "waiting",
}


def batch(office, post):
    return [
        # Replies to what we hold: answered, closed and waiting reopen, new stays new.
        # (From the citizen: only they may write into their conversation, issue 10.)
        _in(
            office,
            "email",
            "<r1@web.example>",
            in_reply_to="<m1@web.example>",
            author_email="A@web.example",
        ),
        _in(office, "email", "<r2@web.example>", in_reply_to="<m2@web.example>"),
        _in(
            office,
            "fediverse",
            "https://social.example/s/2",
            in_reply_to="https://social.example/s/1",
        ),
        _in(office, "contact", "contact:3", in_reply_to="contact:1"),
        # Delivered again: held before, and earlier in this very batch.
        _in(office, "email", "<m1@web.example>", text_html="<p>anders</p>"),
        _in(office, "email", "<n1@web.example>", subject="Neu: Sperrmüll", author_name="Cem"),
        _in(office, "email", "<n1@web.example>", subject="doppelt"),
        # New threads, and replies to messages of this batch.
        _in(office, "email", "<n2@web.example>", in_reply_to="<n1@web.example>"),
        _in(office, "email", "<n3@web.example>", in_reply_to="<n2@web.example>"),
        _in(
            office,
            "fediverse",
            "https://social.example/s/3",
            in_reply_to="https://elsewhere.example/x",
        ),
        _in(office, "fediverse", "https://social.example/s/4", post=post, is_public=True),
        _in(
            office,
            "fediverse",
            "https://social.example/s/5",
            in_reply_to="https://social.example/s/4",
        ),
        # The same id in another channel is another message; no threading across channels.
        _in(office, "contact", "<m1@web.example>", in_reply_to="https://social.example/s/1"),
        _in(office, "contact", "contact:4", in_reply_to="contact:4"),
        # Hostile and oversized input.
        _in(
            office,
            "email",
            "<evil@web.example>",
            text_html='<p onclick="x()">Hallo <script>alert(1)</script><a href="javascript:x">x</a>'
            '<a href="https://ok.example" title="t">ok</a></p><img src=x>',
            author_name=LONG,
            author_handle=LONG,
            author_url="https://web.example/" + LONG,
            author_email="e@web.example",
            url="https://web.example/" + LONG,
            subject=LONG,
        ),
        _in(office, "email", "<lang@web.example>", text_html="<p>" + "Wort " * 100 + "</p>"),
        _in(office, "email", "<empty@web.example>", text_html=""),
    ]


@pytest.fixture
def opened():
    seen = []

    def listen(sender, conversation, **kwargs):
        seen.append(
            (conversation.office_id, conversation.pk is not None, conversation.messages.count())
        )

    conversation_opened.connect(listen, weak=False, dispatch_uid="test-receive-many")
    yield seen
    conversation_opened.disconnect(dispatch_uid="test-receive-many")


def _prepare(office):
    for inbound in earlier(office):
        receive(inbound)
    for remote_id, status in STATUSES.items():
        message = Message.objects.get(office=office, remote_id=remote_id)
        Conversation.objects.filter(pk=message.conversation_id).update(status=status)


def _thread(message) -> str:
    """A conversation named by its first message, the same in both offices."""
    first = message.conversation.messages.order_by("id").first()
    return f"{first.channel} {first.remote_id}"


def snapshot(office, results):
    messages = Message.objects.filter(office=office).select_related("conversation__post")
    stored = {
        (m.channel, m.remote_id): (
            _thread(m),
            m.in_reply_to,
            m.author_name,
            m.author_handle,
            m.author_url,
            m.text_html,
            m.url,
            m.is_public,
            m.direction,
        )
        for m in messages
    }
    conversations = {
        _thread(c.messages.order_by("id").first()): (
            c.channel,
            c.is_public,
            c.subject,
            c.category,
            c.status,
            c.post.title if c.post else None,
            c.citizen_name,
            c.citizen_email,
            c.citizen_handle,
            c.messages.count(),
        )
        for c in Conversation.objects.filter(office=office)
    }
    answers = []
    for message, created in results:
        row = Message.objects.get(pk=message.pk)
        assert (row.channel, row.remote_id, row.conversation_id) == (
            message.channel,
            message.remote_id,
            message.conversation_id,
        )
        answers.append((message.channel, message.remote_id, _thread(row), created))
    return stored, conversations, answers


def test_it_gives_what_receive_gives_one_by_one(office, other_office, published, opened):
    _prepare(office)
    _prepare(other_office)
    opened.clear()
    one_by_one = [receive(inbound) for inbound in batch(office, published)]
    signals_one = list(opened)
    opened.clear()
    together = receive_many(batch(other_office, published))
    signals_many = list(opened)

    expected = snapshot(office, one_by_one)
    assert snapshot(other_office, together) == expected
    # Sent for each new conversation, stored but still without its message, as receive() does.
    assert [s[1:] for s in signals_many] == [s[1:] for s in signals_one]
    assert {s[0] for s in signals_many} == {other_office.pk}
    assert len(signals_many) == 8
    stored, conversations, answers = expected
    assert [created for *_, created in answers].count(False) == 2
    assert conversations["email <m1@web.example>"][4] == "open"
    assert conversations["email <m2@web.example>"][4] == "open"
    assert conversations["email <n1@web.example>"][4] == "new"
    assert conversations["email <n1@web.example>"][-1] == 3
    assert "script" not in stored[("email", "<evil@web.example>")][5]


def test_the_messages_answer_the_same_in_memory(office, published):
    _prepare(office)
    together = receive_many(batch(office, published))
    first, again = together[5], together[6]
    assert first[1] is True and again == (first[0], False)
    reopened = together[0][0].conversation
    assert reopened.status == "open"
    assert reopened.last_message_at >= reopened.created_at


def _statements(queries) -> tuple[int, int]:
    """(INSERT statements, other statements), savepoints left out. A backend splits a long
    INSERT by its limit of parameters (SQLite: 999, so about 47 messages per statement)."""
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    inserts = sum(1 for text in sql if text.startswith("INSERT"))
    return inserts, len(sql) - inserts


def test_a_batch_of_replies_and_duplicates_takes_a_few_queries(office):
    _prepare(office)
    later = [
        _in(
            office,
            "email",
            f"<x{n}@web.example>",
            in_reply_to="<m1@web.example>",
            author_email="a@web.example",
        )
        for n in range(150)
    ] + [_in(office, "contact", "contact:2") for _ in range(150)]
    with CaptureQueriesContext(connection) as queries:
        receive_many(later)
    inserts, others = _statements(queries)
    # Look-ups per channel (2), one update of the conversation replied to.
    assert others <= 3
    assert inserts <= 150 // 25
    assert Message.objects.filter(office=office, channel="email").count() == 152


def test_new_conversations_cost_what_their_receivers_cost(office):
    sample = receive(_in(office, "email", "<sample@web.example>"))[0].conversation
    with CaptureQueriesContext(connection) as per_signal:
        conversation_opened.send(sender=Conversation, conversation=sample)
    fresh = [_in(office, "email", f"<new{n}@web.example>") for n in range(200)]
    with CaptureQueriesContext(connection) as queries:
        receive_many(fresh)
    inserts, others = _statements(queries)
    # Look-up, reference check; the rest is what conversation_opened's receivers do.
    assert others <= 2 + 200 * len(per_signal)
    assert inserts <= 2 * (200 // 25)
    assert Conversation.objects.filter(office=office).count() == 201


def test_a_taken_reference_is_drawn_again(office, monkeypatch):
    Conversation.objects.create(
        office=office, channel="email", reference="AAAAAAAA", last_message_at="2026-01-01T00:00Z"
    )
    real, calls = secrets.choice, []

    def choice(alphabet):
        calls.append(1)
        return "A" if len(calls) <= 16 else real(alphabet)

    monkeypatch.setattr(secrets, "choice", choice)
    results = receive_many([_in(office, "email", "<a@x>"), _in(office, "email", "<b@x>")])
    references = {message.conversation.reference for message, _ in results}
    assert len(references) == 2 and "AAAAAAAA" not in references
    assert Conversation.objects.filter(reference="AAAAAAAA").count() == 1


def test_a_message_stored_meanwhile_elsewhere_loses_nothing(office, monkeypatch):
    """Another worker stores one of the messages between our look-up and our insert: the
    batch falls back to receive() per message, and every message is stored once. (Here the
    other worker's insert shares our test transaction and is rolled back with the batch;
    what counts is that the failed batch loses nothing.)"""
    inbounds = [_in(office, "email", f"<race{n}@web.example>") for n in range(5)]
    looked_up = ingest._held

    def racing(batch):
        found = looked_up(batch)
        Message.objects.create(
            conversation=Conversation.objects.create(
                office=office, channel="email", last_message_at="2026-01-01T00:00Z"
            ),
            office=office,
            channel="email",
            remote_id="<race2@web.example>",
            text_html="<p>von nebenan</p>",
        )
        monkeypatch.setattr(ingest, "_held", looked_up)  # the retry sees the world as it is
        return found

    monkeypatch.setattr(ingest, "_held", racing)
    results = receive_many(inbounds)
    assert [m.remote_id for m, _ in results] == [i.remote_id for i in inbounds]
    assert Message.objects.filter(office=office).count() == 5
    assert all(Message.objects.filter(pk=m.pk).exists() for m, _ in results)


def test_an_empty_batch_does_nothing(db):
    with CaptureQueriesContext(connection) as queries:
        assert receive_many([]) == []
    assert len(queries) == 0
