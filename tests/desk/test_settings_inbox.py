"""Teams and response-time targets on the desk's settings pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.inbox.models import Team
from rathaus.offices.models import Role
from rathaus.response_times.models import ResponseTarget
from tests.helpers import log_in, make_user


@pytest.fixture
def admin_client(client, office_admin):
    return log_in(client, office_admin, language="en")


def test_a_team_is_made_with_members_of_the_office_only(admin_client, office, other_office, agent):
    stranger = make_user("sven.stranger", other_office, Role.AGENT)
    url = reverse("desk:settings_teams", args=[office.slug])
    page = admin_client.get(url).content.decode()
    assert agent.username in page and stranger.username not in page
    refused = admin_client.post(url, {"name": "Bau", "members": [stranger.pk]})
    assert refused.status_code == 400
    assert 'id="id_members_error"' in refused.content.decode()
    assert admin_client.post(url, {"name": "Bau", "members": [agent.pk]}).status_code == 303
    assert list(Team.objects.get().members.all()) == [agent]


def test_a_team_is_renamed_and_deleted(admin_client, office, agent):
    team = Team.objects.create(office=office, name="Bau")
    edit = reverse("desk:settings_team_edit", args=[office.slug, team.pk])
    assert admin_client.post(edit, {"name": "Tiefbau", "members": [agent.pk]}).status_code == 303
    team.refresh_from_db()
    assert team.name == "Tiefbau"
    Team.objects.create(office=office, name="Hochbau")
    taken = admin_client.post(edit, {"name": "Hochbau"})
    assert taken.status_code == 400 and 'id="id_name_error"' in taken.content.decode()
    delete = reverse("desk:settings_team_delete", args=[office.slug, team.pk])
    assert admin_client.post(delete).status_code == 303
    assert list(Team.objects.values_list("name", flat=True)) == ["Hochbau"]


def test_targets_are_added_changed_and_deleted(admin_client, office, office_admin):
    url = reverse("desk:settings_targets", args=[office.slug])
    data = {"category": "", "first_response_hours": "8", "resolution_hours": "40"}
    assert admin_client.post(url, data).status_code == 303
    target = ResponseTarget.objects.get()
    assert (target.category, target.first_response_hours) == ("", Decimal("8"))
    logged = AuditEntry.objects.get(action="response_target_created")
    assert logged.actor == office_admin and logged.after["first_response_hours"] == "8"
    assert "Default (all other categories)" in admin_client.get(url).content.decode()
    edit = reverse("desk:settings_target_edit", args=[office.slug, target.pk])
    assert admin_client.post(edit, data | {"resolution_hours": ""}).status_code == 303
    target.refresh_from_db()
    assert target.resolution_hours is None
    delete = reverse("desk:settings_target_delete", args=[office.slug, target.pk])
    assert admin_client.post(delete).status_code == 303
    assert not ResponseTarget.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"category": "", "first_response_hours": "", "resolution_hours": ""}, "at least one"),
        (
            {"category": "", "first_response_hours": "8", "resolution_hours": "4"},
            "before the first",
        ),
        (
            {"category": "", "first_response_hours": "0", "resolution_hours": ""},
            "id_first_response_hours_error",
        ),
        (
            {"category": "", "first_response_hours": "-3", "resolution_hours": ""},
            "id_first_response_hours_error",
        ),
        (
            {"category": "", "first_response_hours": "1e9", "resolution_hours": ""},
            "id_first_response_hours_error",
        ),
        (
            {"category": "", "first_response_hours": "acht", "resolution_hours": ""},
            "id_first_response_hours_error",
        ),
        ({"category": "gibtsnicht", "first_response_hours": "8"}, "id_category_error"),
        ({"category": "notice", "first_response_hours": "8"}, "has a target already"),
    ],
)
def test_bad_targets_are_a_form_error(admin_client, office, data, error):
    ResponseTarget.objects.create(office=office, category="notice", first_response_hours=2)
    response = admin_client.post(reverse("desk:settings_targets", args=[office.slug]), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert ResponseTarget.objects.count() == 1


def test_another_offices_team_and_target_are_404(admin_client, office, other_office):
    team = Team.objects.create(office=other_office, name="Nord")
    target = ResponseTarget.objects.create(office=other_office, first_response_hours=8)
    for name, row in [("settings_team_edit", team), ("settings_team_delete", team)]:
        assert (
            admin_client.post(reverse(f"desk:{name}", args=[office.slug, row.pk])).status_code
            == 404
        )
    for name in ("settings_target_edit", "settings_target_delete"):
        url = reverse(f"desk:{name}", args=[office.slug, target.pk])
        assert admin_client.post(url, {"first_response_hours": "1"}).status_code == 404
    assert Team.objects.get().name == "Nord"
    assert ResponseTarget.objects.get().first_response_hours == 8
