"""Connecting and disconnecting platform accounts, and keeping their tokens current.

Tokens are sealed at rest (``SealedTextField``); disconnecting deletes them. Office admins
are told when an account needs to be connected again, and 7 days before a token expires.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.connectors import family
from rathaus.connectors.base import Connection
from rathaus.connectors.models import EXPIRY_WARNING, ConnectedAccount
from rathaus.delivery.channels import DeliveryError, PermanentError
from rathaus.lib import netguard
from rathaus.lib.weburls import is_web_url
from rathaus.offices.access import require_role
from rathaus.offices.models import Membership, Office, Role

Status = ConnectedAccount.Status


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
    except DeliveryError:
        raise
    except Exception as error:  # the library's own (network) error: in words, not a 500
        if netguard.refusal(error):  # e.g. a redirect into the operator's network
            raise PermanentError(f"{connector.label}: not a public address") from None
        raise PermanentError(f"{connector.label}: {error}") from error
    return store(office, platform, connection, api_base=api_base, by=by)


def check_server(api_base: str) -> None:
    """Refuse a server address that is not on the public internet: an office admin must
    not reach the operator's own network through Rathaus (the Fediverse's allow-list,
    RATHAUS_FEDERATION_PRIVATE_HOSTS, admits test and demo hosts)."""
    parts = urlsplit(api_base)
    if not is_web_url(api_base):
        raise PermanentError(f"{api_base} is not a web address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        netguard.check_host(parts.hostname or "")
        netguard.resolve_public(parts.hostname or "", port)
    except (netguard.Refused, ValueError):
        # The same words for every refused address (and no time-out waited for): the
        # admin learns nothing about what listens in the operator's network. The clients
        # check again on every connection (lib.netguard), so DNS cannot turn it later.
        raise PermanentError(f"{parts.hostname} is not a public address") from None


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
                "status": Status.ACTIVE,
                "problem": "",
                "expiry_warned_at": None,
                "connected_by": by,
                "connected_at": timezone.now(),
            },
        )
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
            status=Status.DISCONNECTED,
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
    changed = ConnectedAccount.objects.filter(pk=account.pk, status=Status.ACTIVE).update(
        status=Status.NEEDS_REAUTH, problem=problem[:2000]
    )
    account.status, account.problem = Status.NEEDS_REAUTH, problem
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
    accounts = ConnectedAccount.objects.filter(office=office).exclude(status=Status.DISCONNECTED)
    return [a for a in accounts if a.status == Status.NEEDS_REAUTH or _expires_soon(a, now)]


def _expires_soon(account: ConnectedAccount, now) -> bool:
    # With a refresh token the access renews itself before it expires; only a failed
    # refresh needs a person, and that marks the account "needs re-authorisation".
    return account.expires_soon(now) and not account.refresh_token


def warn_expiring(now=None) -> int:
    """Mail the admins of each account whose token expires within 7 days, once per token."""
    now = now or timezone.now()
    due = ConnectedAccount.objects.filter(
        status=Status.ACTIVE,
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
