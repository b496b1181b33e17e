"""Closed conversations keep personal data only for the office's retention period, then
lose it; what remains (channel, direction, times, counts, who of the staff answered) still
serves statistics. The same removal serves erasure on a citizen's request.

Removed: the citizen's name, email and address, the subject (it is the start of their
text), every message's text, author, link and photo (the file too), and the message ids of
the platform (they often contain the author's name; without them a late answer starts a new
conversation instead of reopening one that no longer says what was asked), and the texts
the audit log kept of notes and answers (they may name the citizen). Kept: every audit
entry's fact, time, actor and message; new entries hold counts only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Cast, Concat
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import entry, record_many
from rathaus.audit.models import AuditEntry
from rathaus.delivery.models import Delivery
from rathaus.inbox import notices
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.models import Office

# Sent inside the transaction with the ids of the conversations just anonymised, so that an
# app holding its own copy of what citizens sent (a raw email, say) removes it too.
conversations_anonymised = Signal()
BATCH = 200
UNSENT = (Delivery.Status.QUEUED, Delivery.Status.FAILED, Delivery.Status.NEEDS_REAUTH)


def _delete_photos(messages: Any) -> int:
    photos = 0
    for message in messages.exclude(photo="").only("pk", "photo"):
        message.photo.storage.delete(message.photo.name)
        photos += 1
    return photos


def scrub_messages(messages: Any) -> dict[str, int]:
    """Remove the personal data of these messages (a queryset), keep the rows. A reply not
    yet sent is not sent any more: its text is gone."""
    photos = _delete_photos(messages)
    Delivery.objects.filter(message__in=messages, status__in=UNSENT).delete()
    Delivery.objects.filter(message__in=messages).exclude(last_error="").update(last_error="")
    count = messages.update(
        text_html="",
        author_name="",
        author_handle="",
        author_url="",
        url="",
        photo="",
        in_reply_to="",
        remote_id=Concat(Value("anonymised:"), Cast("pk", CharField())),
    )
    return {"messages": count, "photos": photos}


def anonymise(
    conversation_ids: Iterable[int], *, by: Any | None, reason: str, now: datetime | None = None
) -> dict[str, int]:
    """Anonymise these conversations (those not anonymised yet) in one transaction; the
    counts of what was removed. ``by`` is None when the retention job does it."""
    now = now or timezone.now()
    with transaction.atomic():
        won = list(
            Conversation.objects.select_for_update(of=("self",))
            .filter(pk__in=list(conversation_ids), anonymised_at=None)
            .select_related("office")
        )
        if not won:
            return {"conversations": 0, "messages": 0, "photos": 0}
        ids = [conversation.pk for conversation in won]
        messages = Message.objects.filter(conversation__in=ids)
        per_conversation = {
            row["conversation"]: row
            for row in messages.values("conversation").annotate(
                messages=Count("pk"), photos=Count("pk", filter=~Q(photo=""))
            )
        }
        counts = scrub_messages(messages)
        notices.forget(ids)  # their texts name the conversation's subject
        Conversation.objects.filter(pk__in=ids).update(
            citizen_name="", citizen_email="", citizen_handle="", subject="", anonymised_at=now
        )
        _forget_texts_in_log(ids)
        record_many(
            [
                entry(
                    conversation,
                    "anonymised",
                    by=by,
                    office=conversation.office,
                    message=reason,
                    after={
                        "messages": per_conversation.get(conversation.pk, {}).get("messages", 0),
                        "photos": per_conversation.get(conversation.pk, {}).get("photos", 0),
                    },
                )
                for conversation in won
            ]
        )
        conversations_anonymised.send(sender=Conversation, conversation_ids=ids)
    return {"conversations": len(won), **counts}


def _forget_texts_in_log(conversation_ids: list[int]) -> None:
    """The log is append-only for what happened; the words of a note or an answer are the
    citizen's business too, and go with the retention period."""
    entries = AuditEntry.objects.filter(
        subject_type=Conversation._meta.label_lower, subject_id__in=conversation_ids
    )
    for item in entries.filter(Q(after__has_key="text") | Q(before__has_key="text")):
        item.before = {k: v for k, v in item.before.items() if k != "text"}
        item.after = {k: v for k, v in item.after.items() if k != "text"}
        AuditEntry.objects.filter(pk=item.pk).update(before=item.before, after=item.after)


def expired(office: Office, now: datetime) -> Any:
    """Closed conversations of ``office`` whose retention period has ended."""
    try:
        cutoff = now - timedelta(days=office.retention_days)
    except OverflowError:  # a period beyond year 1 has not ended for anything yet
        return Conversation.objects.none()
    return Conversation.objects.filter(
        office=office,
        status=Conversation.Status.CLOSED,
        closed_at__lt=cutoff,
        anonymised_at=None,
    )


def anonymise_expired(now: datetime | None = None) -> int:
    """The daily job: every office's expired conversations, in batches; how many."""
    now = now or timezone.now()
    done = 0
    for office in Office.objects.only("pk", "retention_days"):
        ids = list(expired(office, now).values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            reason = _("Retention period of %(days)d days ended.") % {"days": office.retention_days}
            done += anonymise(batch, by=None, reason=reason, now=now)["conversations"]
    return done
