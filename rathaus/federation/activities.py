"""What an account sends, and to which inboxes: each activity is stored once (its exact
JSON) with one Outgoing row per distinct inbox; ``fanout`` then delivers the rows.

Followers on the same server share one delivery through its shared inbox, as Mastodon
does, so a post to 10,000 followers on 1,000 servers is 1,000 requests.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.html import escape, format_html

from rathaus.delivery.channels import PermanentError
from rathaus.federation import fanout, identities, mentions, objects
from rathaus.federation.models import Account, Activity, Follower, Outgoing, RemoteActor
from rathaus.inbox.models import Conversation, Message
from rathaus.lib.weburls import web_url
from rathaus.posts.models import Post

# Activity.kind of an answer to a citizen (its JSON type is Create).
REPLY = "Reply"


def host_of(url: str) -> str:
    """host[:port]: the unit of per-server concurrency and availability."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def follower_inboxes(account: Account) -> set[str]:
    inboxes = (
        Follower.objects.filter(account=account)
        .annotate(target=Coalesce(NullIf("actor__shared_inbox", Value("")), "actor__inbox"))
        .values_list("target", flat=True)
    )
    return {url for url in inboxes if url}


def _store(
    account: Account,
    body: dict,
    *,
    inboxes: Iterable[str],
    post: Post | None = None,
    kind: str | None = None,
) -> Activity:
    activity, _created = Activity.objects.get_or_create(
        activity_id=body["id"],
        defaults={"account": account, "post": post, "kind": kind or body["type"], "body": body},
    )
    rows = [Outgoing(activity=activity, inbox=url, host=host_of(url)) for url in set(inboxes)]
    # ignore_conflicts: (activity, inbox) is unique; a second fan-out adds nothing.
    Outgoing.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    transaction.on_commit(fanout.wake)
    return activity


def _named_inboxes(post: Post) -> set[str]:
    """People a post mentions hear of it even when they do not follow the account."""
    return {a.inbox or a.shared_inbox for a in mentions.resolve(post)} - {""}


def publish(account: Account, post: Post) -> Activity:
    inboxes = follower_inboxes(account) | _named_inboxes(post)
    body = objects.document(objects.create(account, post))
    return _store(account, body, inboxes=inboxes, post=post)


def update(account: Account, post: Post) -> Activity:
    note = objects.note(account, post)
    body = objects.document(
        {
            # One Update per approved version: a repeated correction is a new activity.
            "id": f"{note['id']}#updates/{post.approved_hash[:16]}",
            "type": "Update",
            "actor": note["attributedTo"],
            "to": note["to"],
            "cc": note["cc"],
            "object": note,
        }
    )
    inboxes = follower_inboxes(account) | _named_inboxes(post)
    return _store(account, body, inboxes=inboxes, post=post)


def delete(account: Account, post: Post) -> Activity:
    note_id = identities.note(account.username, post.pk)
    body = objects.document(
        {
            "id": f"{note_id}#delete",
            "type": "Delete",
            "actor": identities.actor(account.username),
            "to": [objects.PUBLIC],
            "cc": [identities.collection(account.username, "followers")],
            "object": {"id": note_id, "type": "Tombstone"},
        }
    )
    return _store(account, body, inboxes=follower_inboxes(account), post=post)


def accept_follow(account: Account, follow: dict, follower: RemoteActor) -> Activity:
    actor = identities.actor(account.username)
    digest = hashlib.sha256(str(follow.get("id")).encode()).hexdigest()[:24]
    body = objects.document(
        {
            "id": f"{actor}#accepts/follows/{digest}",
            "type": "Accept",
            "actor": actor,
            "object": {k: follow[k] for k in ("id", "type", "actor", "object") if k in follow},
        }
    )
    return _store(account, body, inboxes=[follower.inbox or follower.shared_inbox])


def account_of_reply(url: str) -> Account | None:
    """The account that sent the reply at ``url``, if it is one of ours."""
    if not url.startswith(identities.base() + "/"):
        return None
    found = Activity.objects.filter(activity_id=f"{url}/activity", kind=REPLY).first()
    return found.account if found else None


def _owner(accounts: Iterable[Account], url: str) -> Account | None:
    """Which of ``accounts`` a URL of ours belongs to: its actor, a post's Note or an
    answer all live under ``/ap/<username>``."""
    for account in accounts:
        actor = identities.actor(account.username)
        if url == actor or url.startswith(actor + "/"):
            return account
    return None


def addressee(accounts: list[Account], office_id: int, in_reply_to: str) -> str:
    """The actor URL of the account a citizen's note was written to, of those of one office
    it names (mentioned, addressed or answered): the account whose post or answer it
    replies to, else the first one named. Stored with the message, so the answer comes
    from there (``_account_for``)."""
    mine = [a for a in accounts if a.office_id == office_id]
    chosen = _owner(mine, in_reply_to) if in_reply_to else None
    chosen = chosen or (mine[0] if mine else None)
    return identities.actor(chosen.username) if chosen else ""


def _account_for(conversation: Conversation, parent: Message) -> Account:
    """The account that answers: the one the citizen wrote to (stored at receipt, or the
    one whose post or answer they replied to), else one carrying the post's category,
    else the office's first. Never the first by name when the citizen chose another: a
    direct message to @presse is answered by @presse."""
    accounts = list(Account.objects.filter(office=conversation.office))
    for url in (parent.recipient, parent.in_reply_to):
        found = _owner(accounts, url) if url else None
        if found is not None:
            return found
    post = conversation.post
    preferred = [a for a in accounts if post is None or a.publishes(post.category)]
    if not (preferred or accounts):
        raise PermanentError("This office has no Fediverse account to answer from.")
    return (preferred or accounts)[0]


def answer(message: Message) -> Activity:
    """Our answer ``message`` as a Note in reply to the citizen's message it answers,
    addressed to the citizen, and to everyone if the agent made it public. Sending the
    same message again builds the same activity, so a retry never posts twice."""
    conversation = message.conversation
    parent = Message.objects.filter(
        office=message.office, channel=message.channel, remote_id=message.in_reply_to
    ).first()
    citizen = parent and RemoteActor.objects.filter(uri=parent.author_url).first()
    if citizen is None:
        raise PermanentError("There is no Fediverse account to answer: it was deleted.")
    account = _account_for(conversation, parent)
    actor = identities.actor(account.username)
    note_id = identities.reply(account.username, str(message.pk))
    mention = format_html(
        '<span class="h-card"><a href="{}" class="u-url mention">@<span>{}</span></a></span>',
        web_url(citizen.url) or citizen.uri,  # the profile link the remote actor named
        citizen.username or citizen.domain,
    )
    content = f"<p>{mention}</p>{message.text_html}"
    followers = identities.collection(account.username, "followers")
    note = {
        "id": note_id,
        "type": "Note",
        "attributedTo": actor,
        "inReplyTo": parent.remote_id,
        "content": content,
        "published": objects.timestamp(message.received_at),
        "to": [objects.PUBLIC] if message.is_public else [citizen.uri],
        "cc": [followers, citizen.uri] if message.is_public else [],
        "tag": [{"type": "Mention", "href": citizen.uri, "name": citizen.handle}],
        "sensitive": False,
    }
    body = objects.document(
        {
            "id": f"{note_id}/activity",
            "type": "Create",
            "actor": actor,
            "published": note["published"],
            "to": note["to"],
            "cc": note["cc"],
            "object": note,
        }
    )
    inboxes = {citizen.inbox or citizen.shared_inbox}
    if message.is_public:
        inboxes |= follower_inboxes(account)
    with transaction.atomic():
        # Threading: the citizen's next reply names this id in inReplyTo.
        Message.objects.filter(pk=message.pk).update(remote_id=note_id)
        return _store(account, body, inboxes=inboxes, kind=REPLY)


def follow(account: Account, actor: RemoteActor) -> Activity:
    """Follow a remote account: for operators testing federation, not for the newsroom."""
    me = identities.actor(account.username)
    body = objects.document(
        {
            "id": f"{me}#follows/{uuid.uuid4().hex}",
            "type": "Follow",
            "actor": me,
            "object": actor.uri,
        }
    )
    return _store(account, body, inboxes=[actor.inbox or actor.shared_inbox])


def direct_note(account: Account, actor: RemoteActor, text: str, in_reply_to: str = "") -> Activity:
    """A direct Note to one remote actor, for operators checking that delivery works."""
    me = identities.actor(account.username)
    note_id = identities.reply(account.username, uuid.uuid4().hex)
    note = {
        "id": note_id,
        "type": "Note",
        "attributedTo": me,
        "inReplyTo": in_reply_to or None,
        "content": f"<p>{escape(text)}</p>",
        "published": objects.timestamp(timezone.now()),
        "to": [actor.uri],
        "cc": [],
        "tag": [{"type": "Mention", "href": actor.uri, "name": actor.handle}],
    }
    body = objects.document(
        {
            "id": f"{note_id}/activity",
            "type": "Create",
            "actor": me,
            "to": [actor.uri],
            "object": note,
        }
    )
    return _store(account, body, inboxes=[actor.inbox or actor.shared_inbox], kind=REPLY)


def report(message: Message) -> Activity | None:
    """Tell the author's server that a comment broke our netiquette (a Flag, as Mastodon
    sends reports to other servers' moderators)."""
    author = RemoteActor.objects.filter(uri=message.author_url).first()
    account = Account.objects.filter(office_id=message.office_id).first()
    if author is None or account is None:
        return None
    me = identities.actor(account.username)
    body = objects.document(
        {
            "id": f"{me}#reports/{message.pk}",
            "type": "Flag",
            "actor": me,
            "object": [author.uri, message.remote_id],
            "content": message.moderation_reason,
        }
    )
    return _store(account, body, inboxes=[author.delivery_inbox])
