"""The connectors' background work on the job engine:

- ``connectors.fetch`` — every account's replies, comments and messages, every two
  minutes (recurring, on ``AccountFetch`` rows; see ``fetching``). The lease holds across
  processes, where the cache lock it replaces did not (``manage.py run`` starts two
  workers, each with a cache of its own).
- ``connectors.connect`` — checking a connection an office admin asked for (the platform,
  its server and DNS may be slow; the desk does not wait for them), once, on the
  ``PendingConnection`` row (see ``accounts``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from rathaus.connectors import accounts, family, fetching, oauth
from rathaus.connectors.models import AccountFetch, PendingConnection
from rathaus.delivery.channels import DeliveryError, NeedsReauthorisation
from rathaus.jobs import engine
from rathaus.offices.access import LifecycleError

log = logging.getLogger(__name__)

# The engine's tick comes every minute; due a little before the second one after a fetch.
EVERY = timedelta(seconds=110)
UNEXPECTED = gettext_lazy("The check failed unexpectedly. Try again later.")


def fetch_each(rows: list[AccountFetch]) -> Iterator[engine.Outcome]:
    for row in rows:
        account = row.account
        connector = family.connectors().get(account.platform)
        if not account.is_active or connector is None or not connector.can_fetch:
            # Nothing to fetch until the account is connected again (fetching.resume).
            yield engine.fail(row, "", AccountFetch.Status.STOPPED, result=0)
            continue
        failed = {"failed_at": timezone.now(), "result": 0}
        try:
            taken = fetching.take(account, connector(account))
        except NeedsReauthorisation as error:
            # The admins were told already; the account shows it on the desk.
            yield engine.fail(row, str(error), AccountFetch.Status.STOPPED, **failed)
        except DeliveryError as error:
            log.info("fetching %s failed: %s", account, error)
            retry_after = getattr(error, "retry_after", None)
            yield engine.retry(row, str(error), retry_after=retry_after, **failed)
        except Exception as error:  # a bug, or what nobody foresaw: seen, and tried again
            log.exception("fetching %s failed", account)
            yield engine.retry(row, f"{type(error).__name__}: {error}", **failed)
        else:
            yield engine.done(row, failed_at=None, result=taken)


FETCH = engine.register(
    engine.Kind(
        fetching.KIND,
        model=AccountFetch,
        policy=engine.polling(EVERY),
        handle=fetch_each,
        select_related=("account__office",),
    )
)


def check_each(rows: list[PendingConnection]) -> Iterator[engine.Outcome]:
    for pending in rows:
        # Emptied before the platform is asked: the credentials outlive the check in no case.
        PendingConnection.objects.filter(pk=pending.pk, lease_token=pending.lease_token).update(
            credentials=""
        )
        finished = {"finished": timezone.now()}
        try:
            account = accounts.check(pending, json.loads(pending.credentials or "{}"))
        except (DeliveryError, oauth.OAuthError, LifecycleError) as error:
            yield engine.fail(pending, str(error), **finished)
        except Exception:  # whatever it was, the desk must not say "being checked" for ever
            log.exception("checking connection %s failed", pending.pk)
            yield engine.fail(pending, str(UNEXPECTED), **finished)
        else:
            yield engine.done(pending, PendingConnection.Status.DONE, account=account, **finished)


CONNECT = engine.register(
    engine.Kind(
        accounts.CONNECT_KIND,
        model=PendingConnection,
        policy=engine.Policy(
            # One attempt: a failure is shown to the admin, who tries again.
            max_attempts=1,
            lease=timedelta(minutes=5),
            # The credentials were emptied when it was taken: it cannot go again.
            on_expiry=engine.FAIL,
            expiry_message=UNEXPECTED,
            batch=1,
        ),
        handle=check_each,
        settle_each=True,
        select_related=("office", "requested_by"),
    )
)
