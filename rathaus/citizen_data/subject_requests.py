"""Data-subject requests (Art. 15 and 17 GDPR): everything one office holds about one
citizen, found by email address or Fediverse address, exported or erased by an office
admin. The audit log records that it happened and the counts, never whom it was about.

``by`` is the office admin; None only for the operator at the command line, who holds the
database anyway.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.federation import identities
from rathaus.federation.models import Follower, RemoteActor
from rathaus.inbox import retention
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.access import LifecycleError, has_role
from rathaus.offices.models import Office, Role


def _identify(email: str, handle: str) -> tuple[str, str]:
    email, handle = email.strip().lower(), handle.strip().lower()
    if not email and not handle:
        raise LifecycleError(_("Give the citizen's email address or Fediverse address."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise LifecycleError(_("“%(email)s” is no email address.") % {"email": email}) from None
    if handle:
        handle = "@" + handle.lstrip("@")
        name, _at, host = handle[1:].partition("@")
        if not name or not host:
            raise LifecycleError(
                _("A Fediverse address looks like @name@example.org: “%(handle)s”.")
                % {"handle": handle}
            )
    return email, handle


def _allowed(by: Any | None, office: Office) -> None:
    if by is not None and not has_role(by, office, Role.ADMIN):
        raise LifecycleError(_("Only an admin of this office can answer data-subject requests."))


def _handles(handle: str) -> list[str]:
    # Channels differ in whether they keep the leading @.
    return [handle, handle[1:]] if handle else []


def _conversations(office: Office, email: str, handle: str) -> Any:
    match = Q()
    if email:
        match |= Q(citizen_email__iexact=email)
    for variant in _handles(handle):
        match |= Q(citizen_handle__iexact=variant)
    return Conversation.objects.filter(office=office, anonymised_at=None).filter(match)


def _messages_elsewhere(office: Office, handle: str, conversations: Any) -> Any:
    """What the citizen wrote into other people's conversations (a public thread)."""
    if not handle:
        return Message.objects.none()
    match = Q()
    for variant in _handles(handle):
        match |= Q(author_handle__iexact=variant)
    return (
        Message.objects.filter(office=office, direction=Message.Direction.INBOUND)
        .filter(match)
        .exclude(conversation__in=conversations)
    )


def _actors(handle: str) -> list[RemoteActor]:
    if not handle:
        return []
    name, _at, host = handle[1:].partition("@")
    candidates = RemoteActor.objects.filter(
        username__iexact=name, domain__iexact=host.rpartition(":")[0] or host
    )
    return [actor for actor in candidates if actor.handle.lower() == handle]


def _follows(office: Office, actors: list[RemoteActor]) -> Any:
    return Follower.objects.filter(account__office=office, actor__in=actors).select_related(
        "account", "actor"
    )


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _message(message: Message) -> dict[str, Any]:
    return {
        "direction": message.direction,
        "channel": message.channel,
        "received_at": _time(message.received_at),
        "edited_at": _time(message.edited_at),
        "removed_at": _time(message.removed_at),
        "author_name": message.author_name,
        "author_handle": message.author_handle,
        "author_url": message.author_url,
        "text_html": message.text_html,
        "photo": message.photo.name or None,
        "url": message.url,
        "public": message.is_public,
        "hidden_at": _time(message.hidden_at),
        "moderation_reason": message.moderation_reason,
    }


def _conversation(conversation: Conversation) -> dict[str, Any]:
    return {
        "reference": conversation.reference,
        "channel": conversation.channel,
        "public": conversation.is_public,
        "subject": conversation.subject,
        "category": conversation.category,
        "status": conversation.status,
        "created_at": _time(conversation.created_at),
        "closed_at": _time(conversation.closed_at),
        "post": conversation.post.title if conversation.post_id else None,
        "citizen_name": conversation.citizen_name,
        "citizen_email": conversation.citizen_email,
        "citizen_handle": conversation.citizen_handle,
        "messages": [_message(message) for message in conversation.messages.all()],
    }


def _actor(actor: RemoteActor) -> dict[str, Any]:
    return {
        "handle": actor.handle,
        "uri": actor.uri,
        "name": actor.name,
        "url": actor.url,
        "inbox": actor.inbox,
        "shared_inbox": actor.shared_inbox,
        "fetched_at": _time(actor.fetched_at),
    }


def _follow(follower: Follower) -> dict[str, Any]:
    return {
        "account": "@" + identities.handle(follower.account.username).removeprefix("acct:"),
        "follower": follower.actor.handle,
        "since": _time(follower.created_at),
    }


def export(office: Office, *, email: str = "", handle: str = "", by: Any | None) -> dict:
    """Everything ``office`` holds about the citizen, JSON-serialisable."""
    _allowed(by, office)
    email, handle = _identify(email, handle)
    conversations = _conversations(office, email, handle)
    found = list(conversations.select_related("post").prefetch_related("messages"))
    elsewhere = list(_messages_elsewhere(office, handle, conversations))
    actors = _actors(handle)
    follows = list(_follows(office, actors))
    data = {
        "office": office.slug,
        "email": email,
        "handle": handle,
        "exported_at": timezone.now().isoformat(),
        "conversations": [_conversation(conversation) for conversation in found],
        "messages_in_other_conversations": [_message(message) for message in elsewhere],
        "fediverse": {
            "actors": [_actor(actor) for actor in actors],
            "follows": [_follow(follower) for follower in follows],
        },
    }
    counts = {
        "conversations": len(found),
        "messages": sum(len(item["messages"]) for item in data["conversations"]) + len(elsewhere),
        "follows": len(follows),
    }
    record(office, "citizen_data_exported", by=by, office=office, after=_summary(email, counts))
    return data


def _summary(email: str, counts: dict[str, int]) -> dict[str, Any]:
    # Which kind of address was asked for, not the address: the log outlives the data.
    return {"found_by": "email" if email else "handle", **counts}


def erase(office: Office, *, email: str = "", handle: str = "", by: Any | None) -> dict:
    """Anonymise the citizen's conversations in ``office``, scrub what they wrote into
    other conversations, and end their follows of the office's accounts; the counts."""
    _allowed(by, office)
    email, handle = _identify(email, handle)
    with transaction.atomic():
        conversations = _conversations(office, email, handle)
        ids = list(conversations.values_list("pk", flat=True))
        elsewhere = _messages_elsewhere(office, handle, Conversation.objects.filter(pk__in=ids))
        scrubbed = retention.scrub_messages(elsewhere)
        removed = retention.anonymise(ids, by=by, reason=_("Erased on the citizen's request."))
        follows, _kinds = _follows(office, _actors(handle)).delete()
        counts = {
            "conversations": removed["conversations"],
            "messages": removed["messages"] + scrubbed["messages"],
            "photos": removed["photos"] + scrubbed["photos"],
            "follows": follows,
        }
        record(office, "citizen_data_erased", by=by, office=office, after=_summary(email, counts))
    return counts
