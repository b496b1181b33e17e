"""Who works for an office: inviting a colleague by e-mail address, changing their roles,
removing them. An office admin never picks from the installation's users and never learns
whether an address already had an account: the answer, the audit entry and the list are the
same either way; only the invitee's mail differs (a link to set a password, or a note).

Also who beyond agents and office admins reads the citizen inbox (``set_inbox_access``):
a question of who sees citizens' names and addresses, decided beside the roles."""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Membership, Office, Role

log = logging.getLogger(__name__)


def invite(
    office: Office,
    *,
    email: str,
    roles: Iterable[str],
    by,
    first_name: str = "",
    last_name: str = "",
    base_url: str,
) -> None:
    """Make the person with ``email`` a member of ``office`` with ``roles`` and mail them.
    A new address gets an account without a password and a one-time link to set one; an
    address whose owner already has an account (see :func:`_existing`) joins with it, and
    their names stay as they are. ``base_url`` is where the desk is reached (the link)."""
    require_role(by, office, Role.ADMIN)
    roles = _valid(roles)
    email = get_user_model().objects.normalize_email(email.strip())
    with transaction.atomic():
        user = _existing(email) or _new_account(email, first_name.strip(), last_name.strip())
        for role in roles:
            Membership.objects.get_or_create(user=user, office=office, role=role)
        # The entry is the same for a new and an existing account: the log is the office's.
        record(user, "member_invited", by=by, office=office, after={"email": email, "roles": roles})
        transaction.on_commit(lambda: _mail_later(user.pk, office.pk, base_url))


def set_roles(office: Office, user, roles: Iterable[str], *, by) -> None:
    """``user``'s roles in ``office`` become exactly ``roles`` (none: they leave it). The
    office keeps at least one admin, so it is never left without someone to manage it."""
    require_role(by, office, Role.ADMIN)
    roles = _valid(roles, allow_none=True)
    with transaction.atomic():
        held = Membership.objects.select_for_update().filter(office=office, user=user)
        before = sorted(held.values_list("role", flat=True))
        if not before:
            raise LifecycleError(_("This person is not a member of this office."))
        admins = Membership.objects.filter(office=office, role=Role.ADMIN).exclude(user=user)
        if Role.ADMIN in before and Role.ADMIN not in roles and not admins.exists():
            raise LifecycleError(_("The office needs at least one office admin."))
        held.exclude(role__in=roles).delete()
        for role in roles:
            Membership.objects.get_or_create(user=user, office=office, role=role)
        action = "member_roles_changed" if roles else "member_removed"
        record(user, action, by=by, office=office, before={"roles": before}, after={"roles": roles})


def set_inbox_access(office: Office, *, open_to_editors: bool, by) -> None:
    """Let editors and approvers read the inbox (and write internal notes), or not."""
    require_role(by, office, Role.ADMIN)
    before = office.inbox_open_to_editors
    if before == open_to_editors:
        return
    with transaction.atomic():
        Office.objects.filter(pk=office.pk).update(inbox_open_to_editors=open_to_editors)
        office.inbox_open_to_editors = open_to_editors
        record(
            office,
            "inbox_access_changed",
            by=by,
            office=office,
            before={"open_to_editors": before},
            after={"open_to_editors": open_to_editors},
        )


def remove(office: Office, user, *, by) -> None:
    set_roles(office, user, [], by=by)


def members_of(office: Office) -> list[tuple]:
    """(user, the set of their roles here) for everyone who works for ``office``, by name."""
    memberships = Membership.objects.filter(office=office).select_related("user")
    roles: dict = {}
    for membership in memberships.order_by("user__last_name", "user__first_name", "user__pk"):
        roles.setdefault(membership.user, set()).add(membership.role)
    return list(roles.items())


def confirmed(user) -> None:
    """The owner set their password through the mailed link, so the address is theirs:
    from now on an invitation to it joins this account. Not if another account's
    owner proved the same address first (allauth allows one verified owner)."""
    email = user.email
    if not email or EmailAddress.objects.filter(email__iexact=email, verified=True).exists():
        return
    try:
        with transaction.atomic():
            EmailAddress.objects.update_or_create(
                user=user, email__iexact=email, defaults={"email": email, "verified": True}
            )
    except IntegrityError:  # proved by someone else at the same moment
        log.info("address of user %s was verified by another account first", user.pk)


def _valid(roles: Iterable[str], *, allow_none: bool = False) -> list[str]:
    chosen = sorted(set(roles))
    if any(role not in Role.values for role in chosen):
        raise LifecycleError(_("Unknown role."))
    if not chosen and not allow_none:
        raise LifecycleError(_("Choose at least one role."))
    return chosen


def _existing(email: str):
    """The account an invitation to ``email`` joins, or None for a new one. Only an account
    whose owner proved the address (they set their password through a mailed link), or one
    that nobody can log in to yet: an address typed into an account by its owner or by an
    admin proves nothing, and joining such an account would hand it another office."""
    proved = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
    if proved is not None:
        return proved.user
    unused = get_user_model().objects.filter(
        email__iexact=email, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    return unused.order_by("pk").first()


def _new_account(email: str, first_name: str, last_name: str):
    users = get_user_model().objects
    user = users.create_user(
        username=_free_username(email), email=email, first_name=first_name, last_name=last_name
    )  # no password given: unusable until the owner sets one through the link
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def _free_username(email: str) -> str:
    """The address itself, as people remember it; with a random tail if it is taken (a
    counter would tell the inviter how many accounts share the address)."""
    users = get_user_model().objects
    base = re.sub(r"[^\w.@+-]", "", email.lower())[:140] or "user"
    name = base
    while users.filter(username__iexact=name).exists():
        name = f"{base}-{secrets.token_hex(3)}"
    return name


def _mail_later(user_id: int, office_id: int, base_url: str) -> None:
    from rathaus.offices.tasks import send_invitation

    send_invitation(user_id, office_id, base_url)


def send_invitation(user_id: int, office_id: int, base_url: str) -> bool:
    """The mail to the invitee (a background task: the mail server may be slow). A person
    who cannot log in yet gets a one-time link to set their password; one who can gets a
    note. Nothing the inviter typed is in it, so it cannot carry their text to anyone."""
    user = get_user_model().objects.filter(pk=user_id).first()
    office = Office.objects.filter(pk=office_id).first()
    if user is None or office is None or not user.email:
        return False
    roles = Membership.objects.filter(user=user, office=office)
    with translation.override(settings.LANGUAGE_CODE):
        names = ", ".join(str(m.get_role_display()) for m in roles.order_by("role"))
        if not names:  # removed again before the mail went out
            return False
        lines = [
            _("You have been added to “%(office)s” on the Rathaus desk as: %(roles)s.")
            % {"office": office.name, "roles": names},
            "",
        ]
        if user.has_usable_password():
            subject = _("You now work for %(office)s on the Rathaus desk") % {"office": office.name}
            lines += [_("Log in as usual:"), base_url.rstrip("/") + reverse("account_login")]
        else:
            subject = _("Your access to the Rathaus desk")
            days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
            lines += [
                _("Your user name: %(username)s") % {"username": user.get_username()},
                "",
                _("Set your password here (the link works once, for %(days)d days):")
                % {"days": days},
                base_url.rstrip("/") + _set_password_path(user),
                "",
                _("If you did not expect this mail, ignore it: no password is set without you."),
            ]
    try:
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError):
        log.warning("invitation for user %s could not be sent", user_id, exc_info=True)
        return False
    return True


def _set_password_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("desk_invitation", args=[uid, default_token_generator.make_token(user)])
