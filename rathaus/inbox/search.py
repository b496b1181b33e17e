"""Full-text search over an office's conversations, for the desk's queue filter; one
interface for both databases.

A conversation matches when every word of the query occurs in it somewhere: in its subject,
reference number or the citizen's name, email or address, or in the text of any of its
messages (internal notes included) — "Schulz Lindenallee" finds Ms Schulz's question about
the Lindenallee. Words of three or more characters match as prefixes, since the filter is
typed: "Linden" finds "Lindenallee", "schul" finds "Schulz". A reference number typed
exactly (with or without "#") always finds its conversation.

A word is looked for in the forms lib.german_words gives it, so that what citizens and
agents type meets what was written: its Snowball stem ("Baustellen" finds "Baustelle",
"Spielplätze" "Spielplatz"), its ending cut but its ae/oe/ue kept ("Bürgeramt" finds a
message writing "Buergeramt"), and with ß for ss ("Bahnhofstrasse" finds
"Bahnhofstraße"). The indexes hold the words as written (SQLite, umlauts' dots removed)
or stemmed by PostgreSQL's German configuration; each form is a prefix there.

SQLite uses two FTS5 tables and PostgreSQL two GIN expression indexes (German stemming),
both created by migration 0002, which also says how message markup is kept out of them.

A compound's head is found in the messages and the subject as on the newsroom: each
message keeps the newsroom's tokens of its text (``Message.search_words``, migration 0004)
and each conversation those of its subject (``Conversation.search_words``, migration 0007),
which a word's ``german_words.patterns`` match, so "Sperrung" finds "Vollsperrung". These
two indexes are asked besides the two above, which keep finding names, addresses,
references and short prefixes as written.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from rathaus.inbox.models import Conversation, Message
from rathaus.lib import german_words
from rathaus.offices.models import Office

CONVERSATION_FTS = "inbox_conversation_fts"
MESSAGE_FTS = "inbox_message_fts"
MESSAGE_WORDS = "inbox_message_words"
CONVERSATION_WORDS = "inbox_conversation_words"
MAX_TERMS = 8
MAX_TERM_CHARS = 60
# Shorter prefixes would each match thousands of different words.
MIN_PREFIX = 3

# Only letters and digits reach the search engines (german_words.words): every operator
# (NEAR, *, ^, -, quotes, parentheses, column filters, tsquery's & | ! <->) is dropped, not
# escaped case by case. "_" separates as it does for both tokenizers.
_REFERENCE = re.compile(r"#?([A-Za-z0-9]{4,12})")


def terms(query: str) -> list[str]:
    """The folded words of ``query`` the search looks for, all of which must occur."""
    words = [word[:MAX_TERM_CHARS] for word in german_words.words(query or "")]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def forms(word: str) -> list[str]:
    """The forms of the folded ``word`` any of which, as a prefix of an indexed word (or
    equal to it, when shorter than MIN_PREFIX), counts as the word."""
    found = [german_words.stem(word), german_words.strip_ending(word)]
    found += [form.replace("ss", "ß") for form in found if "ss" in form]
    return list(dict.fromkeys(found))


def matching(office: Office, query: str) -> QuerySet[Conversation]:
    """The conversations of ``office`` that ``query`` finds. A query without words finds
    nothing: the queue applies no filter when nothing was typed."""
    conversations = Conversation.objects.filter(office=office)
    words = terms(query)
    found = _REFERENCE.fullmatch((query or "").strip())
    # A reference is a single word: the query's only one, so it joins that word's set.
    reference = found.group(1).upper() if found else ""
    if connection.vendor == "postgresql":
        words, each = _with_lexemes(words), _postgresql
    else:
        each = _sqlite
    if not words:
        return conversations.filter(reference=reference) if reference else conversations.none()
    condition = Q()
    for word in words:
        condition &= each(office, word, reference)
    return conversations.filter(condition)


def _prefix(word: str) -> bool:
    return len(word) >= MIN_PREFIX


def _sqlite(office: Office, word: str, reference: str) -> Q:
    """The conversations containing ``word`` (or numbered ``reference``)."""
    # Each form as an FTS5 string, "*" after it for a prefix. The words travel as a
    # parameter; only constant table names are in the SQL, and the subquery names no table
    # of the outer query, whatever aliases that one uses.
    match = " OR ".join('"' + form + '"' + ("*" if _prefix(form) else "") for form in forms(word))
    sql = (
        f"SELECT rowid FROM {CONVERSATION_FTS} WHERE {CONVERSATION_FTS} MATCH %s "  # noqa: S608
        f"UNION ALL SELECT message.conversation_id FROM {MESSAGE_FTS} "
        f"JOIN {Message._meta.db_table} AS message ON message.id = {MESSAGE_FTS}.rowid "
        f"WHERE {MESSAGE_FTS} MATCH %s AND message.office_id = %s "
        f"UNION ALL SELECT message.conversation_id FROM {MESSAGE_WORDS} "
        f"JOIN {Message._meta.db_table} AS message ON message.id = {MESSAGE_WORDS}.rowid "
        f"WHERE {MESSAGE_WORDS} MATCH %s AND message.office_id = %s "
        f"UNION ALL SELECT rowid FROM {CONVERSATION_WORDS} WHERE {CONVERSATION_WORDS} MATCH %s"
    )
    # The tokens are letters and digits only (german_words), so quoting is all it takes.
    compound = " OR ".join(
        f'"{p.token}"' + ("*" if p.prefix else "") for p in german_words.patterns(word)
    )
    params = [match, match, office.pk, compound, office.pk, compound]
    if reference:
        sql += f" UNION ALL SELECT id FROM {Conversation._meta.db_table} WHERE reference = %s"  # noqa: S608
        params.append(reference)
    return Q(pk__in=RawSQL(sql, params))  # noqa: S611


def _tsquery(word: str) -> str:
    """The forms of ``word`` for to_tsquery('simple'): the index holds German stems
    already, and a form must not be stemmed once more."""
    return " | ".join(f"'{form}'" + (":*" if _prefix(form) else "") for form in forms(word))


def _with_lexemes(words: list[str]) -> list[str]:
    """The words PostgreSQL's German configuration keeps: a stop word ("und", "die") would
    turn into an empty query that matches nothing, and with it the whole search."""
    if not words:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(to_tsquery('german', t.q)) > 0 "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(q, n) ORDER BY t.n",
            [[word + (":*" if _prefix(word) else "") for word in words]],
        )
        kept = [row[0] for row in cursor.fetchall()]
    return [word for word, keep in zip(words, kept, strict=True) if keep]


class GermanMatch(Func):
    """A document matches a tsquery, in the very expression a GIN index of migration 0002
    holds, whatever table alias the query gives the columns."""

    output_field = BooleanField()
    document = ""  # SQL with {0}, {1}, … for the compiled columns

    def as_sql(self, compiler, connection, **extra):
        *columns, query = (compiler.compile(e) for e in self.get_source_expressions())
        document = self.document.format(*(sql for sql, _params in columns))
        sql = f"to_tsvector('german', {document}) @@ to_tsquery('simple', {query[0]})"
        return sql, tuple(param for _sql, params in (*columns, query) for param in params)


class ConversationMatch(GermanMatch):
    document = (
        "translate({0} || ' ' || {1} || ' ' || {2} || ' ' || {3} || ' ' || {4}, '@./:', '    ')"
    )


class MessageMatch(GermanMatch):
    document = "translate(regexp_replace({0}, '<[^>]*>|&[a-z]+;', ' ', 'g'), '@./:', '    ')"


class WordsMatch(Func):
    """A message's or a conversation's search words match a tsquery, in the expression of
    the GIN indexes of migrations 0004 and 0007 ('simple': the tokens are the normaliser's
    already)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        (column, column_params), (query, query_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f"to_tsvector('simple', {column}) @@ to_tsquery('simple', {query})"
        return sql, (*column_params, *query_params)


def _patterns_tsquery(word: str) -> str:
    """The newsroom's patterns of ``word``, any of which a message's or subject's token
    must match."""
    return " | ".join(
        f"'{p.token}'" + (":*" if p.prefix else "") for p in german_words.patterns(word)
    )


def _postgresql(office: Office, word: str, reference: str) -> Q:
    """The conversations containing ``word`` (or numbered ``reference``)."""
    query = Value(_tsquery(word))
    columns = ["subject", "reference", "citizen_name", "citizen_email", "citizen_handle"]
    conversations = Conversation.objects.filter(office=office).values("pk").order_by()
    by_conversation = conversations.filter(
        ConversationMatch(*(F(column) for column in columns), query)
    )
    by_message = (
        Message.objects.filter(office=office)
        .filter(MessageMatch(F("text_html"), query))
        .values("conversation_id")
        .order_by()
    )
    # One set of ids per word, collected from the indexes, to test conversations against;
    # never a text match on each conversation row the queue walks through, which would
    # compute to_tsvector for every one of them.
    patterns = Value(_patterns_tsquery(word))
    by_words = (
        Message.objects.filter(office=office)
        .filter(WordsMatch(F("search_words"), patterns))
        .values("conversation_id")
        .order_by()
    )
    by_subject_words = conversations.filter(WordsMatch(F("search_words"), patterns))
    found = by_conversation.union(by_message, by_words, by_subject_words, all=True)
    if reference:
        found = found.union(conversations.filter(reference=reference), all=True)
    return Q(pk__in=found)
