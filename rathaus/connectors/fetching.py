"""Fetching what citizens wrote on the platforms into the inbox: replies, comments,
mentions and direct messages since each account's cursor. The inbox stores each remote
message once, so fetching the same thing twice adds nothing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import timezone

from rathaus.connectors import family
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import DeliveryError
from rathaus.inbox import ingest

if TYPE_CHECKING:
    from rathaus.connectors.base import Connector

log = logging.getLogger(__name__)
# Longer than any one account's fetch may take; a worker that died frees it then.
LOCK_SECONDS = 600


def fetch(account: ConnectedAccount) -> int:
    """Fetch one account; returns how many new messages arrived."""
    connector = family.connector_for(account)
    if not connector.can_fetch:
        return 0
    # A run that outlasts its two minutes must not fetch the same account in parallel
    # with the next one: both would move the cursor, and Telegram hands updates out once.
    lock = f"rathaus:fetching:{account.pk}"
    if not cache.add(lock, True, timeout=LOCK_SECONDS):
        return 0
    try:
        return _fetch(account, connector)
    finally:
        cache.delete(lock)


def _fetch(account: ConnectedAccount, connector: Connector) -> int:
    try:
        with connector.calling():
            fetched = connector.fetch(account.cursor)
    except DeliveryError as error:
        # Tried again at the next run; an expired token already told the admins.
        log.info("fetching %s failed: %s", account, error)
        return 0
    stored = ingest.receive_many(fetched.messages) if fetched.messages else []
    ConnectedAccount.objects.filter(pk=account.pk).update(
        cursor=fetched.cursor, fetched_at=timezone.now()
    )
    return sum(1 for _message, created in stored if created)


def fetch_all() -> int:
    accounts = ConnectedAccount.objects.filter(
        status=ConnectedAccount.Status.ACTIVE, platform__in=family.platforms()
    ).select_related("office")
    return sum(fetch(account) for account in accounts)
