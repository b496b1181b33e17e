"""Fetching what citizens wrote on the platforms into the inbox: replies, comments,
mentions and direct messages since each account's cursor. The inbox stores each remote
message once, so fetching the same thing twice adds nothing.

Each account's fetch is recurring work of the job engine (kind ``connectors.fetch`` on
its ``AccountFetch`` row, declared in ``background``): the engine's lease lets one worker
in one process fetch an account at a time, and a fetch that failed is kept for the desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from rathaus.connectors.models import AccountFetch, ConnectedAccount
from rathaus.inbox import ingest
from rathaus.jobs import engine, runner

if TYPE_CHECKING:
    from rathaus.connectors.base import Connector

KIND = "connectors.fetch"


def take(account: ConnectedAccount, connector: Connector) -> int:
    """Fetch ``account`` (whose fetch lease the caller holds) and move its cursor; returns
    how many new messages arrived. Raises the connector's DeliveryError."""
    with connector.calling():
        fetched = connector.fetch(account.cursor)
    stored = ingest.receive_many(fetched.messages) if fetched.messages else []
    ConnectedAccount.objects.filter(pk=account.pk).update(
        cursor=fetched.cursor, fetched_at=timezone.now()
    )
    return sum(1 for _message, created in stored if created)


def fetch(account: ConnectedAccount) -> int:
    """Fetch one account now, under the engine's lease (tests, by hand); returns how many
    new messages arrived, 0 if a worker is fetching it already."""
    AccountFetch.objects.get_or_create(account=account)
    engine.sweep(KIND)  # a lease a dead worker left is free again
    # Asked for now: due now, also when it stopped (the account may be connected again).
    AccountFetch.objects.filter(
        account=account, status__in=[AccountFetch.Status.QUEUED, AccountFetch.Status.STOPPED]
    ).update(status=AccountFetch.Status.QUEUED, next_attempt_at=timezone.now())
    outcomes = runner.run(KIND, ids=[account.pk])
    return outcomes[0].result if outcomes else 0


def resume(account: ConnectedAccount) -> None:
    """An account connected (again) is fetched from the next tick on."""
    fetch_row, created = AccountFetch.objects.get_or_create(account=account)
    if not created:
        AccountFetch.objects.filter(pk=fetch_row.pk, status=AccountFetch.Status.STOPPED).update(
            status=AccountFetch.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0
        )
