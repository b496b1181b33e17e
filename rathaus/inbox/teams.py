"""Teams of the inbox, set up by an office admin on the desk: a name and the office's
members who work in it. A conversation assigned to a deleted team keeps no team (the
column is set to NULL), not its text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.inbox.models import Team
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Membership, Office, Role


def _snapshot(team: Team) -> dict[str, Any]:
    usernames = sorted(user.get_username() for user in team.members.all())
    return {"name": team.name, "members": usernames}


def write_team(
    office: Office, *, name: str, members: Iterable[Any], team: Team | None = None, by: Any
) -> Team:
    """A new team of ``office``, or ``team`` renamed and given ``members`` (people of the
    office only: a team must not reach into another office)."""
    require_role(by, office, Role.ADMIN)
    if team is not None and team.office_id != office.pk:
        raise LifecycleError(_("This team belongs to another office."))
    name = " ".join(name.split())
    if not name:
        raise LifecycleError(_("The team needs a name."))
    if len(name) > Team._meta.get_field("name").max_length:
        raise LifecycleError(_("The name is too long."))
    members = list(members)
    of_office = set(Membership.objects.filter(office=office).values_list("user_id", flat=True))
    if any(person.pk not in of_office for person in members):
        raise LifecycleError(_("Only members of this office can be in its teams."))
    taken = Team.objects.filter(office=office, name=name)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise LifecycleError(_("A team with this name exists already."))
    try:
        with transaction.atomic():
            before = _snapshot(team) if team is not None else {}
            if team is None:
                team = Team(office=office)
            team.name = name
            team.save()
            team.members.set(members)
            action = "team_changed" if before else "team_created"
            record(team, action, by=by, office=office, before=before, after=_snapshot(team))
    except IntegrityError as error:  # the same name, chosen a moment earlier
        raise LifecycleError(_("A team with this name exists already.")) from error
    return team


def delete_team(team: Team, *, by: Any) -> None:
    office = team.office
    require_role(by, office, Role.ADMIN)
    with transaction.atomic():
        record(team, "team_deleted", by=by, office=office, before=_snapshot(team))
        team.delete()
