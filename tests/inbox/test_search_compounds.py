"""The queue's search finds a compound's head as the newsroom's does: "Sperrung" finds a
citizen's "Vollsperrung", through the stored search words of the messages (migration 0004)
and of the subjects (migration 0007), which every way of writing them keeps, on SQLite and
PostgreSQL."""

import importlib
import itertools

import pytest
from django.apps import apps
from django.db import connection

from rathaus.citizen_data.subject_requests import erase
from rathaus.inbox import inbound, retention, work
from rathaus.inbox.ingest import receive_many
from rathaus.inbox.models import Conversation, Message
from rathaus.inbox.search import matching

_ids = itertools.count()


def _ask(office, text, *, channel="contact", subject="Anfrage", **fields):
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=channel,
            remote_id=f"compound:{next(_ids)}",
            text_html=text,
            subject=subject,
            **fields,
        )
    )
    return message


def _found(office, query) -> set[int]:
    return set(matching(office, query).values_list("pk", flat=True))


def test_a_compounds_head_finds_the_compound(office):
    closed = _ask(office, "<p>Warum gilt die Vollsperrung der Lindenallee bis Mai?</p>")
    other = _ask(office, "<p>Die Sperrmüllabholung kam nicht.</p>")
    assert _found(office, "Sperrung") == {closed.conversation_id}
    assert _found(office, "Sperrungen Lindenallee") == {closed.conversation_id}
    # The start of a compound is still found, as before.
    assert _found(office, "Sperrmüll") == {other.conversation_id}


def test_either_spelling_of_umlauts_finds_the_other(office):
    umlaut = _ask(office, "<p>Das Bürgeramt hat heute zu.</p>")
    ascii_only = _ask(office, "<p>Wann oeffnet das Buergeramt?</p>")
    expected = {umlaut.conversation_id, ascii_only.conversation_id}
    assert _found(office, "Buergeramt") == expected
    assert _found(office, "Bürgeramt") == expected


def test_other_offices_conversations_never_match(office, other_office):
    ours = _ask(office, "<p>Vollsperrung am Hafen</p>").conversation_id
    theirs = _ask(other_office, "<p>Vollsperrung am Hafen</p>").conversation_id
    assert _found(office, "Sperrung") == {ours}
    assert _found(other_office, "Sperrung") == {theirs}


def test_notes_answers_and_the_batch_keep_search_words(office, agent):
    first = _ask(office, "<p>Frage</p>")
    work.add_note(first.conversation, "Die Straßensperrung dauert an.", by=agent)
    stored = receive_many(
        [
            inbound.InboundMessage(
                office=office,
                channel="email",
                remote_id="<batch-compound@mail.example>",
                text_html="<p>Wegen der Brückensanierung fragen wir nach.</p>",
                author_email="batch@mail.example",
            )
        ]
    )
    assert _found(office, "Sperrung") == {first.conversation_id}
    assert _found(office, "Sanierung") == {stored[0][0].conversation_id}


def test_the_words_follow_edits_and_removals(office):
    author = "https://social.example/users/ida"
    message = _ask(office, "<p>Die Vollsperrung nervt.</p>", channel="fediverse", author_url=author)
    inbound.edit(
        "fediverse", message.remote_id, text_html="<p>Die Baumfällung nervt.</p>", author_url=author
    )
    assert _found(office, "Sperrung") == set()
    assert _found(office, "Fällung") == {message.conversation_id}
    inbound.remove("fediverse", message.remote_id, author_url=author)
    assert _found(office, "Fällung") == set()
    assert Message.objects.get(pk=message.pk).search_words == ""


def test_anonymised_messages_keep_no_words(office, office_admin):
    message = _ask(office, "<p>Die Vollsperrung vor Hausnummer 12 stört.</p>")
    assert Message.objects.get(pk=message.pk).search_words
    retention.anonymise([message.conversation_id], by=office_admin, reason="Test")
    assert _found(office, "Sperrung") == set()
    assert Message.objects.get(pk=message.pk).search_words == ""


def test_an_update_of_the_text_by_expression_is_refused(office):
    from django.db.models import F

    _ask(office, "<p>Frage</p>")
    with pytest.raises(TypeError):
        Message.objects.filter(office=office).update(text_html=F("author_name"))


def test_the_migration_fills_the_words_of_older_messages(office):
    migration = importlib.import_module("rathaus.inbox.migrations.0004_message_search_words")
    message = _ask(office, "<p>Eine Vollsperrung wie damals.</p>")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inbox_message SET search_words = ''")
    assert _found(office, "Sperrung") == set()
    migration.fill(apps, None)
    assert _found(office, "Sperrung") == {message.conversation_id}


def test_postgresql_uses_the_words_index(office):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    from django.db.models import F, Value

    from rathaus.inbox.search import WordsMatch

    _ask(office, "<p>Vollsperrung</p>")
    found = (
        Message.objects.filter(WordsMatch(F("search_words"), Value("'0gnurreps':*")))
        .order_by()
        .values("pk")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inbox_message")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = found.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "inbox_message_words" in plan
    assert found.exists()


def test_the_queue_finds_the_compound(client, office, agent):
    from django.urls import reverse

    from tests.helpers import log_in

    wanted = _ask(office, "<p>Seit Montag Vollsperrung in der Hafenstraße.</p>").conversation
    _ask(office, "<p>Der Bus kommt nicht.</p>")
    log_in(client, agent)
    response = client.get(reverse("desk:inbox", args=[office.slug]), {"q": "Sperrung"})
    assert [row.pk for row in response.context["page_"].rows] == [wanted.pk]


# The subject's words (Conversation.search_words, migration 0007): a mail's subject is often
# the only place the citizen names the matter.


def test_a_compounds_head_finds_the_subject(office):
    wanted = _ask(office, "<p>Wie lange noch?</p>", subject="Vollsperrung Hauptstraße")
    _ask(office, "<p>Wie lange noch?</p>", subject="Sperrmüll")
    assert _found(office, "Sperrung") == {wanted.conversation_id}
    assert _found(office, "Sperrungen Hauptstrasse") == {wanted.conversation_id}


def test_either_spelling_of_umlauts_finds_the_subject(office):
    wanted = _ask(office, "<p>Heute zu?</p>", subject="Bürgeramt")
    assert _found(office, "Buergeramt") == {wanted.conversation_id}


def test_other_offices_subjects_never_match(office, other_office):
    ours = _ask(office, "<p>Frage</p>", subject="Vollsperrung am Hafen").conversation_id
    theirs = _ask(other_office, "<p>Frage</p>", subject="Vollsperrung am Hafen").conversation_id
    assert _found(office, "Sperrung") == {ours}
    assert _found(other_office, "Sperrung") == {theirs}


def test_every_write_of_the_subject_keeps_its_words(office):
    saved = _ask(office, "<p>Frage</p>", subject="Baumfällung").conversation
    saved.subject = "Straßensperrung"
    saved.save(update_fields=["subject"])
    assert _found(office, "Fällung") == set()
    assert _found(office, "Sperrung") == {saved.pk}
    Conversation.objects.filter(pk=saved.pk).update(subject="Brückensanierung")
    assert _found(office, "Sperrung") == set()
    assert _found(office, "Sanierung") == {saved.pk}
    stored = receive_many(
        [
            inbound.InboundMessage(
                office=office,
                channel="email",
                remote_id="<batch-subject@mail.example>",
                text_html="<p>Bitte um Auskunft.</p>",
                subject="Spielplatzsanierung",
                author_email="batch@mail.example",
            )
        ]
    )
    assert _found(office, "Sanierung") == {saved.pk, stored[0][0].conversation_id}


def test_anonymised_subjects_keep_no_words(office, office_admin):
    message = _ask(office, "<p>Frage</p>", subject="Vollsperrung vor Hausnummer 12")
    retention.anonymise([message.conversation_id], by=office_admin, reason="Test")
    assert _found(office, "Sperrung") == set()
    assert Conversation.objects.get(pk=message.conversation_id).search_words == ""


def test_erased_subjects_are_not_found(office, office_admin):
    message = _ask(
        office, "<p>Frage</p>", subject="Vollsperrung Hauptstraße", author_email="ida@example.org"
    )
    kept = _ask(office, "<p>Frage</p>", subject="Vollsperrung Hauptstraße")
    assert _found(office, "Sperrung") == {message.conversation_id, kept.conversation_id}
    erase(office, email="ida@example.org", by=office_admin)
    assert _found(office, "Sperrung") == {kept.conversation_id}
    assert Conversation.objects.get(pk=message.conversation_id).search_words == ""


def test_the_migration_fills_the_words_of_older_subjects(office):
    migration = importlib.import_module("rathaus.inbox.migrations.0007_conversation_search_words")
    message = _ask(office, "<p>Frage</p>", subject="Eine Vollsperrung wie damals")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inbox_conversation SET search_words = ''")
    assert _found(office, "Sperrung") == set()
    migration.fill(apps, None)
    assert _found(office, "Sperrung") == {message.conversation_id}


def test_postgresql_uses_the_subject_words_index(office):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    from django.db.models import F, Value

    from rathaus.inbox.search import WordsMatch

    _ask(office, "<p>Frage</p>", subject="Vollsperrung")
    found = (
        Conversation.objects.filter(WordsMatch(F("search_words"), Value("'0gnurreps':*")))
        .order_by()
        .values("pk")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inbox_conversation")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = found.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "inbox_conversation_words" in plan
    assert found.exists()
