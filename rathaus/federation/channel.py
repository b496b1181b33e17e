"""The Fediverse as a delivery channel: publishing a post stores one activity per account
of the office that carries the post's category; ``fanout`` delivers it to the followers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

from rathaus.delivery.channels import DIRECT, PUBLIC, Attempt, Channel, Limits, PermanentError, Sent
from rathaus.delivery.models import Delivery
from rathaus.federation import activities, identities, reach, remote
from rathaus.federation.models import Account
from rathaus.inbox.models import Message
from rathaus.lib import netguard
from rathaus.offices.models import Office
from rathaus.posts.models import Post

T = TypeVar("T")


def _refusal_is_permanent(method: Callable[..., T]) -> Callable[..., T]:
    """An address the SSRF guard refuses stays refused: the delivery fails at once instead
    of being retried as if the server were down."""

    @functools.wraps(method)
    def guarded(*args, **kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except (remote.Refused, netguard.Refused) as error:
            raise PermanentError(
                _("Not sent: the server's address is not allowed (%(reason)s).") % {"reason": error}
            ) from error

    return guarded


class FediverseChannel(Channel):
    key = "fediverse"
    name = _("Fediverse")
    # Longer posts go out as an Article with title and summary (objects.NOTE_MAX_CHARS),
    # so the text itself has no limit; Mastodon shows at most four images.
    limits = Limits(max_chars=None, max_images=4)
    answers = frozenset({PUBLIC, DIRECT})  # a Note to everyone, or to the citizen alone

    def enabled_for(self, office: Office) -> bool:
        return Account.objects.filter(office=office).exists()

    def takes(self, post: Post) -> bool:
        return bool(self._accounts_for(post))

    def _accounts_for(self, post: Post) -> list[Account]:
        accounts = Account.objects.filter(office_id=post.office_id)
        return [a for a in accounts if a.publishes(post.category)]

    def _accounts(self, attempt: Attempt) -> list[Account]:
        accounts = self._accounts_for(attempt.post)
        if not accounts:  # the account was changed since the post went out
            raise PermanentError(_("No Fediverse account of this office publishes this category."))
        return accounts

    def _sent(self, accounts: list[Account], attempt: Attempt) -> Sent:
        note = identities.note(accounts[0].username, attempt.post_id)
        return Sent(remote_id=note, url=note)

    @_refusal_is_permanent
    def publish(self, attempt: Attempt) -> Sent:
        accounts = self._accounts(attempt)
        for account in accounts:
            activities.publish(account, attempt.post)
        return self._sent(accounts, attempt)

    @_refusal_is_permanent
    def update(self, attempt: Attempt) -> Sent:
        accounts = self._accounts(attempt)
        for account in accounts:
            activities.update(account, attempt.post)
        return self._sent(accounts, attempt)

    def progress(self, delivery: Delivery) -> str:
        if delivery.status != Delivery.Status.PUBLISHED:
            return ""
        return reach.summary(delivery.post, delivery.action)

    @_refusal_is_permanent
    def reply(self, attempt: Attempt) -> Sent:
        activity = activities.answer(attempt.message)
        note = activity.body["object"]["id"]
        return Sent(remote_id=note, url=note)

    def moderate(self, message: Message, action: str) -> None:
        # Hiding and deleting happen here only (nobody can hide a reply on another server);
        # a report goes to the moderators of the author's server.
        if action == "report":
            activities.report(message)

    @_refusal_is_permanent
    def withdraw(self, attempt: Attempt) -> None:
        for account in self._accounts(attempt):
            activities.delete(account, attempt.post)
