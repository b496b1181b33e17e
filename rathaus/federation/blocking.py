"""Defederation per office: an office admin blocks a domain, and from then on the office's
accounts neither hear from it nor send to it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from rathaus.audit.log import record
from rathaus.federation.models import BlockedDomain, Follower
from rathaus.offices.access import require_role
from rathaus.offices.models import Office, Role


def _parents(domain: str) -> list[str]:
    """social.spam.example → [social.spam.example, spam.example, example]."""
    parts = domain.lower().rstrip(".").split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def is_blocked(office: Office, domain: str) -> bool:
    return BlockedDomain.objects.filter(office=office, domain__in=_parents(domain)).exists()


def _on(domain: str) -> Q:
    """Actors on ``domain`` or any of its subdomains."""
    return Q(actor__domain=domain) | Q(actor__domain__endswith=f".{domain}")


def _require_admin(by: Any, office: Office) -> None:
    if not getattr(by, "is_superuser", False):  # the installation's admin may act anywhere
        require_role(by, office, Role.ADMIN)


def block(office: Office, domain: str, *, by: Any, reason: str = "") -> BlockedDomain:
    """Block ``domain`` (and its subdomains) for ``office``; its followers there are removed."""
    _require_admin(by, office)
    with transaction.atomic():
        blocked, _created = BlockedDomain.objects.update_or_create(
            office=office, domain=domain.strip().lower().rstrip("."), defaults={"reason": reason}
        )
        removed = Follower.objects.filter(_on(blocked.domain), account__office=office)
        count = removed.delete()[0]
        record(
            blocked,
            "domain_blocked",
            by=by,
            office=office,
            message=f"{blocked.domain}: {reason}".strip(": "),
            after={"followers_removed": count},
        )
    return blocked


def unblock(blocked: BlockedDomain, *, by: Any) -> None:
    office = blocked.office
    _require_admin(by, office)
    with transaction.atomic():
        record(blocked, "domain_unblocked", by=by, office=office, message=blocked.domain)
        blocked.delete()
