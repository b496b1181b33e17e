"""inbox.search.matching finds an office's conversations by the words of their messages,
subject, reference and citizen, on SQLite (FTS5) and PostgreSQL (GIN); the indexes follow
every change, and nothing a person types makes it fail."""

import importlib
import itertools

import pytest
from django.db import connection
from django.urls import reverse

from rathaus.inbox import inbound, retention, work
from rathaus.inbox.ingest import receive_many
from rathaus.inbox.models import Conversation, Message
from rathaus.inbox.search import matching
from tests.helpers import MigrationStatements, log_in
from tests.hostile_queries import SEARCH_SYNTAX

HOSTILE = [
    *SEARCH_SYNTAX,
    "text:Linden",
    "{subject text}: Linden",
    "'; DROP TABLE inbox_message; --",
]
_ids = itertools.count()


def _ask(office, text, *, channel="contact", subject="", **fields):
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=channel,
            remote_id=f"q:{next(_ids)}",
            text_html=text,
            subject=subject or "Anfrage",
            **fields,
        )
    )
    return message


def _found(office, query) -> set[int]:
    return set(matching(office, query).values_list("pk", flat=True))


def test_it_runs_on_the_expected_backend():
    assert connection.vendor in ("sqlite", "postgresql")


def test_it_finds_the_text_of_every_message_and_note(office, agent):
    first = _ask(office, "<p>Wann wird die Kastanienallee freigegeben?</p>")
    conversation = first.conversation
    _ask(office, "<p>Nachtrag: der Sperrmüll liegt noch da.</p>", in_reply_to=first.remote_id)
    work.add_note(conversation, "Bauhof fragt beim Tiefbauamt nach.", by=agent)
    _ask(office, "<p>Eine ganz andere Frage.</p>")
    assert _found(office, "Kastanienallee") == {conversation.pk}
    assert _found(office, "Sperrmüll") == {conversation.pk}
    assert _found(office, "Tiefbauamt") == {conversation.pk}


def test_it_finds_subject_reference_and_the_citizen(office):
    conversation = _ask(
        office,
        "<p>Frage</p>",
        subject="Laterne defekt",
        author_name="Berta Bürgerin",
        author_email="berta.b@mail.example",
        author_handle="@berta@social.example",
    ).conversation
    _ask(office, "<p>Frage</p>", author_name="Anna Anders", author_email="anna@web.example")
    for query in [
        "Laterne",
        "Bürgerin",
        "berta.b@mail.example",
        "berta@social.example",
        "@berta@social",
        conversation.reference,
    ]:
        assert _found(office, query) == {conversation.pk}, query


def test_every_word_must_occur_somewhere_in_the_conversation(office):
    first = _ask(office, "<p>Die Linde ist krank.</p>", author_name="Carla Schulz")
    _ask(office, "<p>Die Linde ist gesund.</p>", author_name="Dora Meier")
    _ask(office, "<p>Der Ahorn ist krank.</p>", author_name="Emil Schulz")
    # The name is the conversation's, the words are the message's: found together.
    assert _found(office, "Schulz Linde") == {first.conversation_id}
    assert _found(office, "Linde krank") == {first.conversation_id}
    assert _found(office, "Linde krank Meier") == set()


def test_words_match_as_prefixes_regardless_of_case_and_umlauts(office):
    message = _ask(office, "<p>Sperrmüllabholung in der Lindenallee</p>")
    expected = {message.conversation_id}
    assert _found(office, "lindenall") == expected
    assert _found(office, "LINDEN") == expected
    assert _found(office, "sperrmull") == expected
    assert _found(office, "Sperrmüll Linden") == expected


def test_words_match_in_their_german_forms_and_spellings(office):
    """What agents type meets what citizens wrote: plurals, ae/oe/ue and ss for umlauts
    and ß either way, the start of a compound."""
    site = _ask(office, "<p>Die Baustelle in der Bahnhofstraße blockiert das Bürgeramt.</p>")
    ascii_only = _ask(office, "<p>Wann oeffnet das Buergeramt? Die Spielplaetze sind zu.</p>")
    storm = _ask(office, "<p>Nach den Sturmböen liegt ein Ast auf dem Spielplatz.</p>")
    site, ascii_only, storm = (m.conversation_id for m in (site, ascii_only, storm))
    assert _found(office, "Baustellen") == {site}
    assert _found(office, "Bahnhofstrasse") == {site}
    assert _found(office, "Buergeramt") == {site, ascii_only}
    assert _found(office, "Bürgeramt") == {site, ascii_only}
    assert _found(office, "Spielplätze") == {ascii_only, storm}
    assert _found(office, "Sturm") == {storm}
    assert _found(office, "öffnet Bürgeramt") == {ascii_only}


def test_markup_and_entities_are_not_searched(office):
    message = _ask(
        office,
        '<p>Siehe <a href="https://geheimkarte.example/pfad">die Karte</a> &amp; '
        "<strong>bitte</strong> <code>Gleis</code><br>Danke</p>",
        subject="Anfrage",
    )
    expected = {message.conversation_id}
    for word in ["Karte", "bitte", "Gleis", "Danke", "Siehe"]:
        assert _found(office, word) == expected, word
    for word in ["geheimkarte", "pfad", "href", "noopener", "nofollow", "strong", "amp", "code"]:
        assert _found(office, word) == set(), word


def test_an_exact_reference_always_finds_its_conversation(office):
    conversation = _ask(office, "<p>Frage</p>").conversation
    reference = conversation.reference
    for query in [reference, reference.lower(), f"#{reference}", f"  {reference}  "]:
        assert _found(office, query) == {conversation.pk}, query
    # The first characters of a reference are enough.
    assert _found(office, reference[:5]) == {conversation.pk}


def test_other_offices_conversations_are_never_found(office, other_office):
    ours = _ask(office, "<p>Die Brücke am Hafen</p>", author_name="Anna").conversation
    theirs = _ask(other_office, "<p>Die Brücke am Hafen</p>", author_name="Anna").conversation
    for query in ["Brücke", "Hafen Anna", theirs.reference, ours.reference, "Anfrage"]:
        found = _found(office, query)
        assert theirs.pk not in found, query
        assert found <= {ours.pk}, query
    assert _found(other_office, "Brücke") == {theirs.pk}


def test_anonymised_conversations_are_found_by_their_reference_only(office, office_admin):
    message = _ask(
        office,
        "<p>Mein Nachbar Gustav parkt immer vor der Einfahrt.</p>",
        subject="Falschparker Rosenweg",
        author_name="Hilde Hausmann",
        author_email="hilde@mail.example",
    )
    conversation = message.conversation
    assert _found(office, "Gustav") == {conversation.pk}
    retention.anonymise([conversation.pk], by=office_admin, reason="Test")
    for query in ["Gustav", "Einfahrt", "Falschparker", "Hausmann", "hilde@mail.example"]:
        assert _found(office, query) == set(), query
    assert _found(office, conversation.reference) == {conversation.pk}


def test_the_index_follows_edits_and_removals(office):
    author = "https://social.example/users/ida"
    message = _ask(office, "<p>Der Brunnen ist kaputt.</p>", channel="fediverse", author_url=author)
    expected = {message.conversation_id}
    inbound.edit(
        "fediverse", message.remote_id, text_html="<p>Der Zaun ist kaputt.</p>", author_url=author
    )
    assert _found(office, "Brunnen") == set()
    assert _found(office, "Zaun") == expected
    inbound.remove("fediverse", message.remote_id, author_url=author)
    assert _found(office, "Zaun") == set()


def test_deleted_messages_and_conversations_leave_the_index(office):
    first = _ask(office, "<p>Die Glocke läutet nachts.</p>")
    second = _ask(office, "<p>Das Glockenspiel ist laut.</p>", subject="Glockenspiel")
    Message.objects.filter(pk=first.pk).delete()
    Conversation.objects.filter(pk=second.conversation_id).delete()
    assert _found(office, "Glocke") == set()
    # The index still answers for rows written afterwards (nothing was corrupted).
    third = _ask(office, "<p>Die Glocke schon wieder.</p>")
    assert _found(office, "Glocke") == {third.conversation_id}


def test_messages_taken_in_by_the_batch_are_searchable(office):
    stored = receive_many(
        [
            inbound.InboundMessage(
                office=office,
                channel="email",
                remote_id=f"<{n}@mail.example>",
                text_html=f"<p>Stapel {word}</p>",
                author_email=f"p{n}@mail.example",
            )
            for n, word in enumerate(["Wasserschaden", "Schlagloch"])
        ]
    )
    assert _found(office, "Schlagloch") == {stored[1][0].conversation_id}


def test_a_query_without_words_finds_nothing(office):
    _ask(office, "<p>Frage</p>")
    for query in ["", "   ", "?!", "***", "🌳"]:
        assert _found(office, query) == set(), query


@pytest.mark.parametrize("query", HOSTILE)
def test_it_survives_hostile_queries(office, other_office, query):
    _ask(office, "<p>Fällung der Linden am Montag</p>")
    _ask(other_office, "<p>Fällung der Linden am Montag</p>")
    found = list(matching(office, query))
    assert all(conversation.office_id == office.pk for conversation in found)


@pytest.mark.parametrize("query", HOSTILE)
def test_the_queue_survives_hostile_queries(client, office, agent, query):
    _ask(office, "<p>Fällung der Linden am Montag</p>")
    log_in(client, agent)
    response = client.get(reverse("desk:inbox", args=[office.slug]), {"q": query})
    assert response.status_code == 200


def test_the_queue_filters_by_search(client, office, agent):
    wanted = _ask(office, "<p>Die Ampel am Markt ist aus.</p>").conversation
    other = _ask(office, "<p>Der Bus kommt nicht.</p>").conversation
    log_in(client, agent)
    response = client.get(reverse("desk:inbox", args=[office.slug]), {"q": "Ampel Markt"})
    assert [row.pk for row in response.context["page_"].rows] == [wanted.pk]
    assert other.reference not in response.content.decode()


def test_postgresql_ignores_stop_words(office):
    if connection.vendor != "postgresql":
        pytest.skip("German stop words are PostgreSQL's")
    message = _ask(office, "<p>Laub auf dem Gehweg</p>")
    # "und" occurs nowhere; as a stop word it must not empty the search.
    assert _found(office, "Laub und Gehweg") == {message.conversation_id}
    assert _found(office, "und") == set()


def test_postgresql_uses_the_gin_indexes(office):
    """The expressions in search.py are the very ones the migration indexed: a query on
    that expression alone can be answered from the GIN index. (The whole queue query is
    not asked: which index the planner starts from there depends on the table's
    statistics, which earlier tests change.)"""
    if connection.vendor != "postgresql":
        pytest.skip("the GIN indexes are PostgreSQL's")
    from django.db.models import F, Value

    from rathaus.inbox.models import Conversation, Message
    from rathaus.inbox.search import ConversationMatch, MessageMatch

    receive_many(
        [
            inbound.InboundMessage(
                office=office,
                channel="email",
                remote_id=f"<{n}@mail.example>",
                text_html=f"<p>Frage Nummer {n} zum Gehweg</p>",
                author_email=f"p{n}@mail.example",
            )
            for n in range(300)
        ]
    )
    query = Value("lindenallee:*")
    columns = ["subject", "reference", "citizen_name", "citizen_email", "citizen_handle"]
    # Without the models' ordering: with it, the planner may walk the ordering's index and
    # filter, depending on statistics earlier tests leave (pg_class counts outlive rollbacks).
    by_conversation = (
        Conversation.objects.filter(ConversationMatch(*(F(column) for column in columns), query))
        .order_by()
        .values("pk")
    )
    by_message = Message.objects.filter(MessageMatch(F("text_html"), query)).order_by().values("pk")
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inbox_conversation, inbox_message")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for found in (by_conversation, by_message):
            sql, params = found.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert "Bitmap Index Scan on inbox_conversation_fts" in plans[0]
    assert "Bitmap Index Scan on inbox_message_fts" in plans[1]
    # And the queue's search is built from exactly these two expressions.
    assert "to_tsvector('german', translate(" in str(matching(office, "Lindenallee").query)


def test_the_migration_indexes_what_was_there_before_it(office):
    migration = importlib.import_module("rathaus.inbox.migrations.0002_search_index")
    before = _ask(office, "<p>Der Wochenmarkt fällt aus.</p>", author_name="Jana Jung")
    migration.drop(None, MigrationStatements())
    during = _ask(office, "<p>Der Wochenmarkt zieht um.</p>", author_name="Kai Jung")
    migration.create(None, MigrationStatements())
    both = {before.conversation_id, during.conversation_id}
    assert _found(office, "Wochenmarkt") == both
    assert _found(office, "Jung") == both
    after = _ask(office, "<p>Der Wochenmarkt ist zurück.</p>")
    assert _found(office, "Wochenmarkt") == both | {after.conversation_id}


def test_later_migrations_keep_the_search_triggers(db):
    """A migration that rebuilds inbox_message on SQLite (Django's AddField of a NOT NULL
    column does) drops the triggers that keep the index: search then finds nothing new."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's indexes are expressions, no triggers")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    expected = {
        f"inbox_{table}_fts_{event}"
        for table in ("conversation", "message")
        for event in ("insert", "update", "delete")
    }
    assert expected <= triggers
