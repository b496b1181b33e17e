"""Many inbound messages at once, with exactly the result of calling
:func:`rathaus.inbox.inbound.receive` for each in turn, in a handful of queries per batch.

For channels that hand over messages in bulk (an IMAP fetch, a connector's poll, a backlog
after an outage): one message at a time costs five statements and a commit each, which
caps ingest at a few hundred messages per second. Here a batch costs one look-up of the
messages we hold (duplicates and the messages replied to), one check of the new reference
numbers, one insert of the new conversations, one update of the conversations that got a
reply, one insert of the messages, and one look-up of the response-time targets for all
new conversations.

The batch is one transaction. Should another process store one of its messages at the
same moment (the unique constraint answers), the batch is rolled back and each message
goes through receive() on its own, which settles such races one by one: nothing is lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from rathaus.inbox.inbound import (
    InboundMessage,
    conversations_opening,
    may_join,
    new_conversation,
    new_message,
    opened,
    receive,
    reopen,
    sanitise,
)
from rathaus.inbox.models import Conversation, Message, new_reference

# Well under every backend's limit of parameters in one statement.
CHUNK = 500

Key = tuple[int, str, str]  # office id, channel, remote id


def receive_many(inbounds: Sequence[InboundMessage]) -> list[tuple[Message, bool]]:
    """Store the messages (each once per office, channel and remote id), in order; for each
    the stored Message and True if it is new — as receive() one by one would answer."""
    if not inbounds:
        return []
    try:
        with transaction.atomic():
            return _store(inbounds)
    except IntegrityError:
        return [receive(inbound) for inbound in inbounds]


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _held(inbounds: Sequence[InboundMessage]) -> dict[Key, Message]:
    """The messages we already hold among those arriving and those they answer, each with
    its conversation; one instance per conversation, so updates to it add up."""
    wanted: dict[tuple[int, str], set[str]] = defaultdict(set)
    for inbound in inbounds:
        ids = wanted[(inbound.office.pk, inbound.channel)]
        ids.add(inbound.remote_id)
        if inbound.in_reply_to:
            ids.add(inbound.in_reply_to)
    held: dict[Key, Message] = {}
    conversations: dict[int, Conversation] = {}
    for (office_id, channel), ids in wanted.items():
        for part in _chunks(sorted(ids)):
            found = Message.objects.filter(
                office_id=office_id, channel=channel, remote_id__in=part
            ).select_related("conversation")
            for message in found:
                message.conversation = conversations.setdefault(
                    message.conversation_id, message.conversation
                )
                held[(office_id, channel, message.remote_id)] = message
    return held


def _unique_references(conversations: list[Conversation]) -> None:
    """Draw again where a reference number is taken (8 characters of 31 collide about once
    in a few hundred runs of 100,000 conversations) or drawn twice in the batch."""
    pending = conversations
    while pending:
        references = [c.reference for c in pending]
        taken: set[str] = set()
        for part in _chunks(references):
            taken |= set(
                Conversation.objects.filter(reference__in=part).values_list("reference", flat=True)
            )
        seen: set[str] = set()
        again = []
        for conversation in pending:
            if conversation.reference in taken or conversation.reference in seen:
                conversation.reference = new_reference()
                again.append(conversation)
            seen.add(conversation.reference)
        pending = again


def _store(inbounds: Sequence[InboundMessage]) -> list[tuple[Message, bool]]:
    held = _held(inbounds)
    results: list[tuple[Message, bool]] = []
    new_conversations: list[tuple[Conversation, InboundMessage]] = []
    new_messages: list[Message] = []
    replied: dict[int, Conversation] = {}
    for inbound in inbounds:
        office_id = inbound.office.pk
        key = (office_id, inbound.channel, inbound.remote_id)
        if key in held:  # stored before, or earlier in this batch
            results.append((held[key], False))
            continue
        text = sanitise(inbound.text_html)
        now = timezone.now()
        parent = held.get((office_id, inbound.channel, inbound.in_reply_to))
        if inbound.in_reply_to and parent is not None and may_join(parent.conversation, inbound):
            conversation = parent.conversation
            reopen(conversation, now)
            if conversation.pk is not None:
                replied[conversation.pk] = conversation
        else:
            conversation = new_conversation(inbound, text, now)
            new_conversations.append((conversation, inbound))
        message = new_message(inbound, conversation, text)
        held[key] = message
        new_messages.append(message)
        results.append((message, True))

    conversations = [conversation for conversation, _inbound in new_conversations]
    _unique_references(conversations)
    # Due times for the whole batch in one query (response-time targets); the
    # per-conversation receiver then leaves these alone.
    conversations_opening.send(
        sender=Conversation,
        conversations=[c for c, inbound in new_conversations if not inbound.automatic],
        now=timezone.now(),
    )
    Conversation.objects.bulk_create(conversations)
    for conversation, inbound in new_conversations:
        opened(conversation, inbound)
    Conversation.objects.bulk_update(
        list(replied.values()), ["status", "last_message_at"], batch_size=CHUNK
    )
    Message.objects.bulk_create(new_messages)
    return results
