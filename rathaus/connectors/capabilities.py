"""What a connector can do as a channel, each built on one or two platform calls:

- :class:`Posting` publishes a post (``post`` sends one part),
- :class:`Editing` changes it after a correction (``edit``),
- :class:`Deleting` removes it after a withdrawal (``delete``),
- :class:`Answering` answers citizens (``answer`` sends one part of an answer).

A platform's connector is made of those it has (``class MastodonConnector(Posting,
Answering, Editing, Deleting)``); the delivery channels' protocols see the rest. A post and
an answer both go out part by part (a thread where the platform's limit is shorter), and
only here is each part's remote id recorded: on the delivery, right after it was sent, so a
retry goes on where the last attempt stopped, a withdrawal deletes every part, and a reply
to any part finds our post or answer. After an unclear failure, the retry first looks for
the part it may have sent (:func:`sent_before`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from rathaus.connectors import rendering
from rathaus.connectors.base import RECENT_THREADS, Connector, Part
from rathaus.delivery.channels import Attempt, PermanentError, Sent
from rathaus.delivery.models import Delivery

if TYPE_CHECKING:
    from rathaus.inbox.models import Message

# A post made this long before its delivery existed is not ours, whatever the clocks say.
CLOCK_SKEW = timedelta(minutes=10)


class Posting(Connector):
    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        """Post one part, in reply to the thread's previous part if ``reply_to``."""
        raise NotImplementedError

    def publish(self, attempt: Attempt) -> Sent:
        return send_parts(self, attempt, sendable_parts(self, attempt), None, self.post)


class Editing(Connector):
    def edit(self, remote_id: str, part: Part) -> Sent:
        """Change the published part ``remote_id`` to ``part``."""
        raise NotImplementedError

    def update(self, attempt: Attempt) -> Sent:
        """Edit the published parts one for one; a corrected text that makes more parts
        gets them as replies at the thread's end, one that makes fewer loses the old parts
        left over — so the thread reads as the correction does, not half old. The
        publication's delivery keeps the thread's parts, so a retry edits what it appended
        and a later correction or withdrawal reaches every part."""
        original = published_delivery(self, attempt)
        published = list(original.remote_parts)
        parts = sendable_parts(self, attempt)
        with self.calling():
            for done, part in zip(published, parts, strict=False):
                self.edit(done["id"], part)
            for number, part in enumerate(parts[len(published) :]):
                under = published[-1]["id"]
                sent = sent_before(self, attempt, part, under) if number == 0 else None
                if sent is None:
                    sent = self.post(part, reply_to=under, attempt=attempt)
                published.append({"id": sent.remote_id, "url": sent.url})
                Delivery.objects.filter(pk=original.pk).update(remote_parts=published)
            while len(published) > len(parts):
                self.delete(published[-1]["id"])
                published.pop()
                Delivery.objects.filter(pk=original.pk).update(remote_parts=published)
        return Sent(remote_id=published[0]["id"], url=published[0]["url"])


class Deleting(Connector):
    def delete(self, remote_id: str) -> None:
        """Delete the published part ``remote_id``; one that is gone already is deleted."""
        raise NotImplementedError

    def withdraw(self, attempt: Attempt) -> None:
        with self.calling():
            for done in reversed(published_parts(self, attempt)):
                self.delete(done["id"])


class Answering(Connector):
    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        """Send one part of our answer (``attempt.message``) to the citizen's ``parent``
        message: in reply to ``reply_to``, which is ``parent``'s remote id or our
        answer's previous part."""
        raise NotImplementedError

    def answer_parts(self, message: Message, parent: Message) -> list[Part]:
        """Our answer as the parts it goes out in: numbered replies, each answering the
        one before, where the platform's limit is shorter (Bluesky, Telegram)."""
        from rathaus.inbox.inbound import plain_text

        pieces = rendering.split(plain_text(message.text_html), self.limits)
        return [Part(text=p, index=i, total=len(pieces)) for i, p in enumerate(pieces)]

    def answered_under(self, parent: Message) -> str:
        """The remote id our answer to ``parent`` is filed under, as the platform names a
        reply's parent: ``parent``'s own, or where comments nest one level deep (Facebook,
        Instagram, LinkedIn) that of the comment whose thread ``parent`` is in."""
        return parent.remote_id

    def parent_of(self, attempt: Attempt) -> Message:
        """The citizen's message our answer (``attempt.message``) replies to."""
        from rathaus.inbox.models import Message

        message = attempt.message
        parent = Message.objects.filter(
            office=message.office, channel=message.channel, remote_id=message.in_reply_to
        ).first()
        if parent is None:
            raise PermanentError(f"{self.label}: the message to answer is gone")
        return parent

    def thread_of(self, attempt: Attempt) -> str | None:
        """For an answer, the comment whose replies an earlier attempt's part is among
        (``answered_under`` the citizen's message); None for a post."""
        if attempt.delivery.action != Delivery.Action.REPLY:
            return None
        return self.answered_under(self.parent_of(attempt))

    def reply(self, attempt: Attempt) -> Sent:
        parent = self.parent_of(attempt)

        def send(part: Part, *, reply_to: str, attempt: Attempt) -> Sent:
            return self.answer(part, attempt=attempt, parent=parent, reply_to=reply_to)

        parts = self.answer_parts(attempt.message, parent)
        under = self.answered_under(parent)
        return send_parts(self, attempt, parts, parent.remote_id, send, first_under=under)


def sendable_parts(connector: Connector, attempt: Attempt) -> list[Part]:
    """The post's parts; refused for an office without a public base URL, whose posts
    would link to no address of its own (and Instagram could fetch no image)."""
    if not attempt.office.public_base_url:
        # In the words of the desk's language: the office admin has to act on it.
        raise PermanentError(
            _(
                "%(channel)s: the office has no public address for its newsroom (its "
                "public base URL): posts here link to it, so nothing was sent"
            )
            % {"channel": connector.label}
        )
    return connector.render(attempt.post)


def send_parts(
    connector: Connector,
    attempt: Attempt,
    parts: list[Part],
    first_reply_to: str | None,
    send: Callable[..., Sent],
    *,
    first_under: str | None = None,
) -> Sent:
    """Send ``parts`` in order, each in reply to the one before (the first to
    ``first_reply_to``), recording every part's remote id on the delivery as it goes.
    ``first_under``: what the platform names as the first part's parent where that is
    not ``first_reply_to`` (an answer filed under its thread's comment)."""
    delivery = attempt.delivery
    done = list(delivery.remote_parts)
    with connector.calling():
        for number, part in enumerate(parts[len(done) :]):
            reply_to = done[-1]["id"] if done else first_reply_to
            under = done[-1]["id"] if done else (first_under or first_reply_to)
            # Only the first part not recorded can have been sent by the last attempt.
            sent = sent_before(connector, attempt, part, under) if number == 0 else None
            if sent is None:
                sent = send(part, reply_to=reply_to, attempt=attempt)
            done.append({"id": sent.remote_id, "url": sent.url})
            # Saved after each part: a retry goes on with the next one.
            Delivery.objects.filter(pk=delivery.pk).update(remote_parts=done)
    delivery.remote_parts = done
    return Sent(remote_id=done[0]["id"], url=done[0]["url"])


def sent_before(
    connector: Connector, attempt: Attempt, part: Part, under: str | None
) -> Sent | None:
    """Check before retry: ``part`` as an earlier attempt may have sent it, found among the
    account's recent posts (or the replies under the comment an answer answers) only by
    what nobody else's post can have — never by its text alone, which another post of the
    same text shares (the middle parts of two threads of one text are the same, a citizen
    may quote us). Ours is the account's own, answers exactly what ``part`` goes under
    (our previous part, the citizen's comment or its thread; nothing, for a post's first
    part), is recorded by no other delivery, and was not made before this delivery
    existed. Where the platform takes an idempotency key (Mastodon), the part carries one
    as well."""
    if not attempt.may_have_gone_out:
        return None  # the first attempt has never sent anything
    parent = connector.parent_key(under) if under else ""
    taken = recorded_elsewhere(connector, attempt.delivery)
    since = attempt.delivery.created_at - CLOCK_SKEW
    for seen in connector.recent(part, attempt):
        if not seen.ours or seen.remote_id in taken or seen.reply_to != parent:
            continue
        if seen.created_at is not None and seen.created_at < since:
            continue
        if connector.same_text(seen, part):
            return Sent(remote_id=seen.remote_id, url=seen.url)
    return None


def recorded_elsewhere(connector: Connector, delivery: Delivery) -> set[str]:
    """The remote ids the account's other recent deliveries recorded as theirs."""
    others = (
        Delivery.objects.filter(channel=connector.key)
        .exclude(pk=delivery.pk)
        .exclude(remote_parts=[])
        .order_by("-pk")
        .values_list("remote_parts", flat=True)[:RECENT_THREADS]
    )
    return {part["id"] for parts in others for part in parts}


def published_parts(connector: Connector, attempt: Attempt) -> list[dict]:
    """The parts this account's publication of the post recorded."""
    return published_delivery(connector, attempt).remote_parts


def published_delivery(connector: Connector, attempt: Attempt) -> Delivery:
    """This account's publication of the post, which records the thread's parts."""
    original = (
        Delivery.objects.filter(
            post=attempt.post_id, channel=connector.key, action=Delivery.Action.PUBLISH
        )
        .exclude(remote_parts=[])
        .first()
    )
    if original is None:
        raise PermanentError(f"{connector.label}: the post was never published here")
    return original
