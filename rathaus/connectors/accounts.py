"""Connecting and disconnecting platform accounts, and keeping their tokens current.

Tokens are sealed at rest (``SealedTextField``); disconnecting deletes them. Office admins
are told when an account needs to be connected again, and 7 days before a token expires.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.connectors import family, fetching, oauth, plain_words
from rathaus.connectors.base import Connection
from rathaus.connectors.models import (
    EXPIRY_WARNING,
    PENDING_KEPT,
    ConnectedAccount,
    PendingConnection,
)
from rathaus.delivery.channels import DeliveryError, PermanentError
from rathaus.jobs import runner
from rathaus.lib import netguard
from rathaus.lib.weburls import is_web_url
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Membership, Office, Role

log = logging.getLogger(__name__)
Pending = PendingConnection.Status
# An OAuth code is a few hundred characters; anything far longer is no code.
MAX_CODE = 4000
# The job engine's kind that checks pending connections (declared in ``background``).
CONNECT_KIND = "connectors.connect"


def connect(
    office: Office, platform: str, values: dict[str, str], *, api_base: str = "", by: Any
) -> ConnectedAccount:
    """Connect with what the admin entered (a token, an app password); the platform checks
    it first, so a wrong one is refused with the platform's words and stores nothing."""
    require_role(by, office, Role.ADMIN)
    connector = family.connectors()[platform]
    if api_base:
        check_server(api_base)
    try:
        connection = connector.verify(api_base.rstrip("/"), values)
    except Exception as error:  # the platform's refusal or the library's own (network) error
        # The admin reads plain words on the channels page; the library's go to the log.
        log.info("connecting %s on %s failed: %r", platform, api_base or "its server", error)
        host = urlsplit(api_base or connector.default_api_base or "").hostname or connector.label
        words = plain_words.connect_failure(error, label=connector.label, host=host)
        # The same kind of error: a refused token still means "connect again".
        kind = type(error) if isinstance(error, DeliveryError) else PermanentError
        raise kind(words) from None
    return store(office, platform, connection, api_base=api_base, by=by)


def request_connection(
    office: Office, platform: str, values: dict[str, str], *, api_base: str = "", by: Any
) -> PendingConnection:
    """Ask the worker to connect with what the admin entered (:func:`finish_connection`
    does what :func:`connect` does). Only what needs no network is checked here, so the
    desk answers at once however slow the platform, its server or its DNS is."""
    require_role(by, office, Role.ADMIN)
    if platform not in family.connectors():
        raise LifecycleError(_("This platform is unknown."))
    if api_base and not is_web_url(api_base):
        raise LifecycleError(_("Enter a server address that starts with https:// or http://."))
    try:  # what is known without DNS; the worker and every connection check the rest
        if api_base:
            netguard.check_host(urlsplit(api_base).hostname or "")
    except (netguard.Refused, ValueError):
        raise LifecycleError(_("This server is not a public address.")) from None
    return _queue(office, platform, {"values": values}, api_base=api_base, by=by)


def request_oauth_connection(flow: dict[str, Any], code: str, *, by: Any) -> PendingConnection:
    """Ask the worker to exchange the OAuth ``code`` of ``flow`` (whose state the request
    checked and used up) for tokens and keep the account."""
    office = Office.objects.filter(pk=flow.get("office")).first()
    if office is None or flow.get("platform") not in family.connectors():
        raise LifecycleError(_("This sign-in link is unknown or was used already. Start again."))
    require_role(by, office, Role.ADMIN)
    if not code or len(code) > MAX_CODE:
        raise LifecycleError(_("The platform did not give a usable sign-in code. Start again."))
    return _queue(office, flow["platform"], {"flow": flow, "code": code}, by=by)


def _queue(
    office: Office, platform: str, credentials: dict[str, Any], *, api_base: str = "", by: Any
) -> PendingConnection:
    with transaction.atomic():
        # A new attempt replaces what the desk still shows of an earlier one.
        PendingConnection.objects.filter(office=office, platform=platform).exclude(
            status__in=(Pending.QUEUED, Pending.RUNNING)
        ).delete()
        pending = PendingConnection.objects.create(
            office=office,
            platform=platform,
            api_base=api_base.rstrip("/"),
            credentials=json.dumps(credentials),
            requested_by=by,
        )
        # Huey only wakes the worker; the row is the truth, so the task must see it.
        transaction.on_commit(lambda: runner.wake(CONNECT_KIND, ids=[pending.pk]))
    return pending


def finish_connection(pending_id: int) -> PendingConnection | None:
    """The worker's side of :func:`request_connection` and :func:`request_oauth_connection`
    (the engine's kind ``connectors.connect``, run now): check with the platform, keep the
    account, and record the outcome for the desk. One attempt: a failure is shown to the
    admin, who tries again. None if another worker took it, or it was forgotten."""
    if not runner.run(CONNECT_KIND, ids=[pending_id]):
        return None
    return PendingConnection.objects.filter(pk=pending_id).first()


def check(pending: PendingConnection, credentials: dict[str, Any]) -> ConnectedAccount:
    """Connect what ``pending`` asked for with ``credentials`` (taken out of it)."""
    office, by = pending.office, pending.requested_by
    if "flow" in credentials:
        connection = oauth.finish(credentials["flow"], credentials["code"])
        return store(office, pending.platform, connection, by=by)
    return connect(
        office, pending.platform, credentials["values"], api_base=pending.api_base, by=by
    )


def connections_under_way(office: Office) -> list[PendingConnection]:
    """What the channels page shows of the connections asked for in the last hour."""
    return list(PendingConnection.objects.filter(office=office).select_related("account"))


def dismiss(pending: PendingConnection, *, by: Any) -> None:
    """Take a finished connection off the channels page (one still being checked stays)."""
    require_role(by, pending.office, Role.ADMIN)
    PendingConnection.objects.filter(pk=pending.pk).exclude(
        status__in=(Pending.QUEUED, Pending.RUNNING)
    ).delete()


def forget_stale(now=None) -> int:
    """Delete connections asked for more than an hour ago, with anything still sealed in
    them (a worker that never came)."""
    now = now or timezone.now()
    deleted, _kinds = PendingConnection.objects.filter(created__lt=now - PENDING_KEPT).delete()
    return deleted


def check_server(api_base: str) -> None:
    """Refuse a server address that is not on the public internet: an office admin must
    not reach the operator's own network through Rathaus (the Fediverse's allow-list,
    RATHAUS_FEDERATION_PRIVATE_HOSTS, admits test and demo hosts)."""
    parts = urlsplit(api_base)
    if not is_web_url(api_base):
        raise PermanentError(
            _("%(address)s is not a web address (https://…).") % {"address": api_base}
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        netguard.check_host(parts.hostname or "")
        netguard.resolve_public(parts.hostname or "", port)
    except (netguard.Refused, ValueError):
        # The same words for every refused address (and no time-out waited for): the
        # admin learns nothing about what listens in the operator's network. The clients
        # check again on every connection (lib.netguard), so DNS cannot turn it later.
        raise PermanentError(plain_words.not_public(parts.hostname or api_base)) from None


def store(
    office: Office, platform: str, connection: Connection, *, api_base: str = "", by: Any
) -> ConnectedAccount:
    """Keep a connection made by ``connect`` or by an OAuth flow; connecting an account
    again (after expiry or disconnection) updates its row, so its history stays."""
    require_role(by, office, Role.ADMIN)
    with transaction.atomic():
        account, created = ConnectedAccount.objects.update_or_create(
            office=office,
            platform=platform,
            remote_id=connection.remote_id,
            defaults={
                "name": connection.name[:200],
                "api_base": api_base.rstrip("/"),
                "access_token": connection.access_token,
                "refresh_token": connection.refresh_token,
                "token_expires_at": connection.expires_at,
                "details": connection.details,
                "status": ConnectedAccount.Status.ACTIVE,
                "problem": "",
                "expiry_warned_at": None,
                "connected_by": by,
                "connected_at": timezone.now(),
            },
        )
        fetching.resume(account)
        record(
            office,
            "account_connected" if created else "account_reconnected",
            by=by,
            office=office,
            message=f"{platform}: {account.name}",
        )
    return account


def disconnect(account: ConnectedAccount, *, by: Any) -> ConnectedAccount:
    """Delete the tokens; the row stays so that past deliveries still name the account."""
    require_role(by, account.office, Role.ADMIN)
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(
            access_token="",
            refresh_token="",
            token_expires_at=None,
            status=ConnectedAccount.Status.DISCONNECTED,
            problem="",
        )
        record(
            account.office,
            "account_disconnected",
            by=by,
            office=account.office,
            message=f"{account.platform}: {account.name}",
        )
    account.refresh_from_db()
    return account


def store_tokens(account: ConnectedAccount, connection: Connection) -> None:
    """New tokens from a refresh (the account object is updated too)."""
    account.access_token = connection.access_token
    account.refresh_token = connection.refresh_token or account.refresh_token
    account.token_expires_at = connection.expires_at
    account.expiry_warned_at = None
    account.save(
        update_fields=["access_token", "refresh_token", "token_expires_at", "expiry_warned_at"]
    )


def needs_reauthorisation(account: ConnectedAccount, problem: str) -> None:
    """Stop using the account and tell its office's admins, once."""
    changed = ConnectedAccount.objects.filter(
        pk=account.pk, status=ConnectedAccount.Status.ACTIVE
    ).update(status=ConnectedAccount.Status.NEEDS_REAUTH, problem=problem[:2000])
    account.status, account.problem = ConnectedAccount.Status.NEEDS_REAUTH, problem
    if changed:
        _tell_admins(
            account,
            _("%(account)s must be connected again") % {"account": _label(account)},
            _(
                "Rathaus can no longer post to %(account)s: %(problem)s\n\nConnect it again "
                "on the desk under Channels; failed deliveries can then be retried."
            )
            % {"account": _label(account), "problem": problem},
        )


def attention(office: Office, now=None) -> list[ConnectedAccount]:
    """Accounts the dashboard warns about: to connect again, or a token expiring soon."""
    now = now or timezone.now()
    accounts = ConnectedAccount.objects.filter(office=office).exclude(
        status=ConnectedAccount.Status.DISCONNECTED
    )
    return [
        a
        for a in accounts
        if a.status == ConnectedAccount.Status.NEEDS_REAUTH or _expires_soon(a, now)
    ]


def _expires_soon(account: ConnectedAccount, now) -> bool:
    # With a refresh token the access renews itself before it expires; only a failed
    # refresh needs a person, and that marks the account "needs re-authorisation".
    return account.expires_soon(now) and not account.refresh_token


def warn_expiring(now=None) -> int:
    """Mail the admins of each account whose token expires within 7 days, once per token."""
    now = now or timezone.now()
    due = ConnectedAccount.objects.filter(
        status=ConnectedAccount.Status.ACTIVE,
        token_expires_at__lte=now + EXPIRY_WARNING,
        expiry_warned_at__isnull=True,
    ).select_related("office")
    warned = 0
    for account in due:
        if not _expires_soon(account, now):
            continue
        if not ConnectedAccount.objects.filter(pk=account.pk, expiry_warned_at=None).update(
            expiry_warned_at=now
        ):
            continue  # another worker warned already
        warned += 1
        _tell_admins(
            account,
            _("%(account)s: access expires soon") % {"account": _label(account)},
            _(
                "The access of Rathaus to %(account)s expires on %(date)s. Connect the "
                "account again on the desk under Channels before then."
            )
            % {"account": _label(account), "date": f"{account.token_expires_at:%Y-%m-%d}"},
        )
    return warned


def _label(account: ConnectedAccount) -> str:
    return f"{account.platform_label}: {account.name}"


def _tell_admins(account: ConnectedAccount, subject: str, text: str) -> None:
    emails = sorted(
        set(
            Membership.objects.filter(office_id=account.office_id, role=Role.ADMIN)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if emails:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True)
