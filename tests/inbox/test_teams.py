"""Teams written by an office admin: only the office's people, names once, logged."""

import pytest

from rathaus.audit.log import history
from rathaus.audit.models import AuditEntry
from rathaus.inbox import teams
from rathaus.inbox.models import Team
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Role
from tests.helpers import make_user


def test_an_office_admin_makes_and_changes_a_team(office, office_admin, agent, approver):
    team = teams.write_team(office, name=" Grün  flächen ", members=[agent], by=office_admin)
    assert team.name == "Grün flächen"
    teams.write_team(
        office, name="Grünflächen", members=[agent, approver], team=team, by=office_admin
    )
    team.refresh_from_db()
    assert set(team.members.all()) == {agent, approver}
    changed, created = history(team)
    assert (created.action, changed.action) == ("team_created", "team_changed")
    assert changed.before["members"] == [agent.username]
    assert changed.after["name"] == "Grünflächen"


@pytest.mark.parametrize("who", ["agent", "approver", "editor", "outsider"])
def test_only_office_admins(office, request, who):
    with pytest.raises(LifecycleError):
        teams.write_team(office, name="T", members=[], by=request.getfixturevalue(who))
    assert not Team.objects.exists()


def test_people_of_another_office_cannot_join(office, other_office, office_admin):
    stranger = make_user("sven.stranger", other_office, Role.AGENT)
    with pytest.raises(LifecycleError):
        teams.write_team(office, name="T", members=[stranger], by=office_admin)
    assert not Team.objects.exists()


def test_a_name_is_taken_once_per_office(office, office_admin):
    teams.write_team(office, name="Bau", members=[], by=office_admin)
    with pytest.raises(LifecycleError):
        teams.write_team(office, name="Bau", members=[], by=office_admin)
    with pytest.raises(LifecycleError):
        teams.write_team(office, name="  ", members=[], by=office_admin)
    assert Team.objects.count() == 1


def test_deleting_a_team_keeps_its_conversations(office, office_admin, agent):
    from tests.helpers import ask

    team = teams.write_team(office, name="Bau", members=[agent], by=office_admin)
    conversation = ask(office, "Baustelle?").conversation
    conversation.team = team
    conversation.save(update_fields=["team"])
    with pytest.raises(LifecycleError):
        teams.delete_team(team, by=agent)
    pk = team.pk
    teams.delete_team(team, by=office_admin)
    conversation.refresh_from_db()
    assert conversation.team is None
    logged = AuditEntry.objects.get(action="team_deleted")
    assert (logged.subject_id, logged.before["name"]) == (pk, "Bau")
