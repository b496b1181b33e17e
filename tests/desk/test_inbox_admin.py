"""Teams, topics and reply reviewers in the Django admin: an office admin sees and creates
only their offices' ones, with only that office's people."""

import re

import pytest

from rathaus.inbox.models import ReplyReviewer, Team, Topic
from tests.helpers import PASSWORD


@pytest.fixture
def admin_client(admin_site_as):
    return admin_site_as("inbox")


def _options(response, name: str) -> set[str]:
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)[1]
    return set(re.findall(r'<option value="(\d+)"', select))


@pytest.fixture
def rows(office, other_office, agent, outsider):
    ours = Team.objects.create(office=office, name="Grünflächen Mitte")
    theirs = Team.objects.create(office=other_office, name="Team Nord")
    Topic.objects.create(office=office, name="Thema Mitte")
    Topic.objects.create(office=other_office, name="Thema Nord")
    ReplyReviewer.objects.create(office=office, user=agent)
    ReplyReviewer.objects.create(office=other_office, user=outsider)
    return ours, theirs


@pytest.mark.parametrize(
    ("path", "ours", "theirs"),
    [
        ("team", "Grünflächen Mitte", "Team Nord"),
        ("topic", "Thema Mitte", "Thema Nord"),
        ("replyreviewer", "agnes.agent", "nora.nord"),
    ],
)
def test_an_office_admin_sees_only_their_offices_rows(admin_client, rows, path, ours, theirs):
    page = admin_client.get(f"/admin/inbox/{path}/")
    assert page.status_code == 200
    assert ours.encode() in page.content
    assert theirs.encode() not in page.content


def test_another_offices_team_cannot_be_opened(admin_client, rows):
    assert admin_client.get(f"/admin/inbox/team/{rows[1].pk}/change/").status_code == 302


def test_a_team_is_made_for_my_office_with_its_members_only(
    admin_client, office, other_office, agent, outsider
):
    form = admin_client.get("/admin/inbox/team/add/")
    assert _options(form, "office") == {str(office.pk)}
    assert str(outsider.pk) not in _options(form, "members")
    assert str(agent.pk) in _options(form, "members")
    admin_client.post("/admin/inbox/team/add/", {"office": other_office.pk, "name": "Gekapert"})
    assert not Team.objects.filter(name="Gekapert").exists()
    admin_client.post(
        "/admin/inbox/team/add/", {"office": office.pk, "name": "Fremde", "members": [outsider.pk]}
    )
    assert not Team.objects.filter(name="Fremde").exists()
    admin_client.post(
        "/admin/inbox/team/add/",
        {"office": office.pk, "name": "Bürgerservice", "members": [agent.pk]},
    )
    assert list(Team.objects.get(name="Bürgerservice").members.all()) == [agent]


def test_a_reviewer_must_belong_to_the_office(admin_client, office, other_office, agent):
    from django.contrib.auth import get_user_model

    from rathaus.offices.models import Membership, Role

    both = get_user_model().objects.create_user("beide", password=PASSWORD)
    Membership.objects.create(user=both, office=other_office, role=Role.AGENT)
    # Admin of both offices: may pick people of either, but not across.
    Membership.objects.create(
        user=get_user_model().objects.get(username="otto.admin"),
        office=other_office,
        role=Role.ADMIN,
    )
    admin_client.post("/admin/inbox/replyreviewer/add/", {"office": office.pk, "user": both.pk})
    assert not ReplyReviewer.objects.exists()
    admin_client.post("/admin/inbox/replyreviewer/add/", {"office": office.pk, "user": agent.pk})
    assert ReplyReviewer.objects.get().user == agent
