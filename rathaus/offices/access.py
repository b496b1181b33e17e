"""Who may do what in which office. Every desk query starts from these functions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from rathaus.offices.models import Membership, Office, Role

User = AbstractBaseUser | AnonymousUser


class LifecycleError(Exception):
    """A step that is not allowed; the message is shown to the user as it is.

    Raised by every verb of every app (a post's steps, an agent's, an admin's), so it
    lives with the role check that raises it most, low in the house."""


def offices_of(user: User) -> QuerySet[Office]:
    if not user.is_authenticated:
        return Office.objects.none()
    return Office.objects.filter(memberships__user=user).distinct()


def roles_in(user: User, office: Office) -> set[str]:
    # Asked fresh each time: a role taken away must count at once, not after a re-login.
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, office=office).values_list("role", flat=True))


def has_role(user: User, office: Office, *roles: Role) -> bool:
    return bool(roles_in(user, office) & {str(role) for role in roles})


def require_role(user: User, office: Office, *roles: Role) -> None:
    """Raise the steps' refusal unless ``user`` has one of ``roles`` in ``office``."""
    if not has_role(user, office, *roles):
        raise LifecycleError(_("You do not have the role needed for this step."))


# Who reads citizens' messages: the people who answer them. Data-subject requests (export,
# erasure) stay with office admins alone, whatever the office allows.
INBOX_ROLES = (Role.AGENT, Role.ADMIN)
INBOX_ROLES_OPENED = (Role.EDITOR, Role.APPROVER)


def inbox_roles(office: Office) -> tuple[Role, ...]:
    """The roles that read ``office``'s inbox: agents and office admins, and editors and
    approvers where the office opened it to them (``Office.inbox_open_to_editors``)."""
    return INBOX_ROLES + (INBOX_ROLES_OPENED if office.inbox_open_to_editors else ())


def may_read_inbox(user: User, office: Office) -> bool:
    return has_role(user, office, *inbox_roles(office))


def inbox_readers(office: Office) -> QuerySet[Membership]:
    """The memberships that read ``office``'s inbox (``.values("user")`` for a subquery)."""
    return Membership.objects.filter(office=office, role__in=inbox_roles(office))


def office_for(user: User, slug: str) -> Office:
    """The office with ``slug`` if the user belongs to it; 404 otherwise, so that an
    outsider cannot even learn which offices exist on the desk."""
    office = offices_of(user).filter(slug=slug).first()
    if office is None:
        raise Http404
    return office
