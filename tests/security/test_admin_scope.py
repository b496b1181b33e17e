"""Issue 10, item 8: an office admin administers the people of their own offices and no one
else. Every check is made from the side of the other office's admin (``outsider``, admin of
Nord), who must not see, pick, change or take over anyone of Mitte; new colleagues come by
an invitation mail, which says nothing to the inviter about accounts that already exist."""

from __future__ import annotations

import html
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from rathaus.offices.models import Membership, Role
from tests.helpers import PASSWORD, make_user, with_totp

User = get_user_model()
NEW_PASSWORD = "Lindenallee-Gießkanne-7"


def _staff(user, *apps: str):
    """Staff with every permission of ``apps``: the most an office admin could be given,
    so that the scoping itself is what is tested, not a missing permission."""
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=apps))
    if not Authenticator.objects.filter(user=user).exists():
        with_totp(user)  # staff must use two-factor login, or every page is its set-up
    return user


def _admin_as(client, user):
    client.force_login(user)
    # Each test's "nothing changed" must come from the scoping, not from a redirect away.
    assert client.get("/admin/").status_code == 200
    return client


@pytest.fixture
def nord_admin(client, outsider):
    """The other office's admin in the Django admin, with all user and office permissions."""
    return _admin_as(client, _staff(outsider, "auth", "offices", "inbox"))


@pytest.fixture
def mitte_admin(client, office_admin):
    return _admin_as(client, _staff(office_admin, "auth", "offices", "inbox"))


@pytest.fixture
def mitte_people(editor, approver, agent, office_admin):
    for person, name in [(editor, "Erika"), (approver, "Anton"), (agent, "Agnes")]:
        person.first_name, person.last_name = name, "Mitte"
        person.email = f"{person.username}@mitte.example"
        person.save()
    return [editor, approver, agent, office_admin]


def _mentions(response, people) -> list[str]:
    text = response.content.decode()
    return [p.username for p in people if p.username in text]


# --- the user admin, seen from Nord --------------------------------------------------------


def test_the_user_list_shows_only_my_offices_people(nord_admin, mitte_people, outsider):
    page = nord_admin.get("/admin/auth/user/")
    assert page.status_code == 200
    assert outsider.username in page.content.decode()
    assert _mentions(page, mitte_people) == []
    assert b"Mitte" not in page.content


def test_the_user_list_search_finds_no_one_of_another_office(nord_admin, mitte_people):
    page = nord_admin.get("/admin/auth/user/", {"q": "erika"})
    assert page.status_code == 200
    assert _mentions(page, mitte_people) == []


def test_another_offices_user_cannot_be_opened_by_id(nord_admin, mitte_people, editor):
    page = nord_admin.get(f"/admin/auth/user/{editor.pk}/change/")
    assert page.status_code == 302 and page.url == "/admin/"
    assert nord_admin.get(f"/admin/auth/user/{editor.pk}/history/").status_code in (302, 404)
    assert nord_admin.get(f"/admin/auth/user/{editor.pk}/password/").status_code == 404


def test_another_offices_user_cannot_be_changed(nord_admin, mitte_people, editor):
    nord_admin.post(
        f"/admin/auth/user/{editor.pk}/change/",
        {"username": "gekapert", "email": "nord@evil.example", "is_active": ""},
    )
    nord_admin.post(
        f"/admin/auth/user/{editor.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    editor.refresh_from_db()
    assert editor.username == "erika.editor" and editor.is_active
    assert editor.check_password(PASSWORD)


def test_the_autocomplete_offers_only_my_offices_people(nord_admin, mitte_people, outsider):
    for app_label, model_name, field_name in [
        ("offices", "membership", "user"),
        ("inbox", "team", "members"),
        ("inbox", "replyreviewer", "user"),
    ]:
        source = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
        answer = nord_admin.get("/admin/autocomplete/", source)
        assert answer.status_code == 200
        assert {row["id"] for row in answer.json()["results"]} == {str(outsider.pk)}
        found = nord_admin.get("/admin/autocomplete/", {**source, "term": "erika"})
        assert found.status_code == 200 and found.json()["results"] == []


def _form_data(page) -> dict:
    """What the browser would send back for an admin change page, unchanged."""
    data = {}
    text = page.content.decode()
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', text):
        data.setdefault(name, value)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', text, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen[1] if chosen else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', text, re.S):
        data[name] = body.strip()
    data.pop("csrfmiddlewaretoken", None)
    return {name: html.unescape(value) for name, value in data.items()}


def test_the_membership_form_cannot_add_another_offices_user(
    nord_admin, mitte_people, other_office, editor
):
    page = nord_admin.get(f"/admin/offices/office/{other_office.pk}/change/")
    assert page.status_code == 200
    assert _mentions(page, mitte_people) == []
    data = _form_data(page)
    prefix = "memberships"
    total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-INITIAL_FORMS": data.get(f"{prefix}-INITIAL_FORMS", "0"),
            f"{prefix}-{total}-user": str(editor.pk),
            f"{prefix}-{total}-role": Role.ADMIN,
            f"{prefix}-{total}-office": str(other_office.pk),
        }
    )
    saved = nord_admin.post(f"/admin/offices/office/{other_office.pk}/change/", data)
    assert saved.status_code == 302  # the office form itself was valid and saved
    assert not Membership.objects.filter(user=editor, office=other_office).exists()


def test_team_members_can_be_picked_only_from_my_offices(nord_admin, mitte_people, outsider):
    form = nord_admin.get("/admin/inbox/team/add/")
    assert form.status_code == 200
    assert _mentions(form, mitte_people) == []


def test_users_are_not_added_in_the_admin_by_office_admins(nord_admin):
    assert nord_admin.get("/admin/auth/user/add/").status_code == 403
    nord_admin.post(
        "/admin/auth/user/add/",
        {"username": "neu", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(username="neu").exists()


def test_a_superuser_still_sees_everyone(client, mitte_people, outsider):
    boss = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    with_totp(boss)
    _admin_as(client, boss)
    page = client.get("/admin/auth/user/")
    assert set(_mentions(page, [*mitte_people, outsider])) == {
        p.username for p in [*mitte_people, outsider]
    }


# --- privilege escalation from inside an office --------------------------------------------


def test_a_colleague_who_also_works_elsewhere_cannot_be_taken_over(
    mitte_admin, office, other_office
):
    """Otto administers Mitte; Xaver works in Mitte and administers Nord. Setting Xaver's
    password or login name would hand Otto the office Nord."""
    xaver = make_user("xaver.beide", office, Role.EDITOR)
    Membership.objects.create(user=xaver, office=other_office, role=Role.ADMIN)
    assert mitte_admin.get(f"/admin/auth/user/{xaver.pk}/password/").status_code == 403
    mitte_admin.post(
        f"/admin/auth/user/{xaver.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    mitte_admin.post(
        f"/admin/auth/user/{xaver.pk}/change/",
        {"username": "xaver.gekapert", "first_name": "X", "is_active": "on"},
    )
    xaver.refresh_from_db()
    assert xaver.check_password(PASSWORD)
    assert xaver.username == "xaver.beide"


def test_no_one_is_made_superuser_or_staff_by_an_office_admin(mitte_admin, editor, office_admin):
    for person in (editor, office_admin):
        before = set(person.user_permissions.values_list("pk", flat=True))
        page = mitte_admin.get(f"/admin/auth/user/{person.pk}/change/")
        assert page.status_code == 200
        assert b'name="is_superuser"' not in page.content
        assert b'name="user_permissions"' not in page.content
        mitte_admin.post(
            f"/admin/auth/user/{person.pk}/change/",
            {
                "username": person.username,
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
                "user_permissions": [p.pk for p in Permission.objects.all()],
            },
        )
        person.refresh_from_db()
        assert not person.is_superuser
        assert set(person.user_permissions.values_list("pk", flat=True)) == before
    editor.refresh_from_db()
    assert not editor.is_staff


def test_passwords_and_addresses_are_never_set_by_an_office_admin(mitte_admin, editor):
    """Not even for someone of their own office only: an address the admin typed and a
    password the admin knows would make an account a later invitation by another office
    joins (the account would be taken over before its owner ever used it)."""
    assert mitte_admin.get(f"/admin/auth/user/{editor.pk}/password/").status_code == 403
    mitte_admin.post(
        f"/admin/auth/user/{editor.pk}/change/",
        {"username": editor.username, "email": "fremd@nord.example", "is_active": "on"},
    )
    editor.refresh_from_db()
    assert editor.email == "" and editor.check_password(PASSWORD)


def test_an_office_admin_may_still_correct_a_colleagues_name(mitte_admin, editor):
    changed = mitte_admin.post(
        f"/admin/auth/user/{editor.pk}/change/",
        {
            "username": editor.username,
            "first_name": "Erika",
            "last_name": "Muster",
            "is_active": "on",
        },
    )
    assert changed.status_code == 302
    editor.refresh_from_db()
    assert (editor.first_name, editor.last_name) == ("Erika", "Muster")


# --- the members page on the desk: invitations instead of picking ----------------------------

LINK = re.compile(r"http://testserver/accounts/einladung/\S+")


@pytest.fixture
def desk_admin(client, office_admin):
    client.force_login(office_admin)
    assert client.get(reverse("desk:members", args=["mitte"])).status_code == 200
    return client


def _invite(client, email: str, *roles: str, **names):
    return client.post(
        reverse("desk:members", args=["mitte"]), {"email": email, "roles": roles, **names}
    )


def test_the_members_page_is_for_this_offices_admins_only(
    client, office, outsider, editor, mitte_people
):
    urls = [
        reverse("desk:members", args=["mitte"]),
        reverse("desk:member_roles", args=["mitte", editor.pk]),
        reverse("desk:member_remove", args=["mitte", editor.pk]),
    ]
    for person, status in [(outsider, 404), (editor, 403)]:
        client.force_login(person)
        page = client.get(urls[0])
        assert page.status_code == status
        # The desk's 403 page names the person logged in (its "Log out"): no one else.
        assert _mentions(page, [p for p in mitte_people if p != person]) == []
        for url in urls:
            client.post(url, {"email": "fremd@nord.example", "roles": [Role.ADMIN]})
    assert not User.objects.filter(email="fremd@nord.example").exists()
    assert set(Membership.objects.filter(user=editor).values_list("role", flat=True)) == {
        Role.EDITOR
    }
    assert mail.outbox == []


def test_another_offices_member_cannot_be_changed_through_my_office(
    client, outsider, editor, other_office
):
    client.force_login(outsider)
    for name in ["desk:member_roles", "desk:member_remove"]:
        answer = client.post(reverse(name, args=["nord", editor.pk]), {"roles": [Role.ADMIN]})
        assert answer.status_code == 404
    assert not Membership.objects.filter(user=editor, office=other_office).exists()


def test_an_invited_colleague_sets_a_password_and_works_here(
    desk_admin, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = _invite(
            desk_admin, "ines.neu@mitte.example", Role.EDITOR, Role.AGENT, first_name="Ines"
        )
    assert answer.status_code == 302
    ines = User.objects.get(email="ines.neu@mitte.example")
    assert not ines.has_usable_password() and ines.first_name == "Ines"
    assert set(
        Membership.objects.filter(user=ines, office=office).values_list("role", flat=True)
    ) == {
        Role.EDITOR,
        Role.AGENT,
    }
    [sent] = mail.outbox
    assert sent.to == ["ines.neu@mitte.example"]
    assert ines.username in sent.body
    link = LINK.search(sent.body)[0]

    desk_admin.logout()
    form = desk_admin.get(link, follow=True)
    assert form.status_code == 200 and b'name="new_password1"' in form.content
    done = desk_admin.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done.url == reverse("account_login")
    ines.refresh_from_db()
    assert ines.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=ines).verified
    again = desk_admin.get(link, follow=True)
    assert b'name="new_password1"' not in again.content  # the link worked once


def test_inviting_an_existing_account_reveals_nothing(
    desk_admin, office, outsider, django_capture_on_commit_callbacks
):
    """Nora (Nord) proved her address; Mitte invites her and a new person. Mitte's admin
    sees the same answer for both; Nora keeps her account and password and gets a note."""
    outsider.email = "nora@nord.example"
    outsider.save()
    EmailAddress.objects.create(user=outsider, email=outsider.email, primary=True, verified=True)
    answers = []
    for email in ["nora@nord.example", "neu@mitte.example"]:
        with django_capture_on_commit_callbacks(execute=True):
            answer = _invite(desk_admin, email, Role.AGENT)
        page = desk_admin.get(answer.url).content.decode()
        told = re.search(r'<div class="messages">(.*?)</div>', page, re.S)[1]
        assert email in told
        answers.append((answer.status_code, answer.url, told.replace(email, "ADDRESS")))
    assert answers[0] == answers[1]
    assert User.objects.filter(email__iexact="nora@nord.example").count() == 1
    assert Membership.objects.filter(user=outsider, office=office, role=Role.AGENT).exists()
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)
    note, invitation = mail.outbox
    assert note.to == ["nora@nord.example"] and not LINK.search(note.body)
    assert invitation.to == ["neu@mitte.example"] and LINK.search(invitation.body)


def test_an_address_typed_into_an_account_does_not_join_it(
    desk_admin, office, other_office, django_capture_on_commit_callbacks
):
    """Mallory put the new colleague's address into her own account (never proved): the
    invitation must not hand her a membership of Mitte."""
    mallory = make_user("mallory", other_office, Role.EDITOR)
    mallory.email = "kollegin@mitte.example"
    mallory.save()
    EmailAddress.objects.create(user=mallory, email=mallory.email, primary=True, verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(desk_admin, "kollegin@mitte.example", Role.ADMIN)
    assert not Membership.objects.filter(user=mallory, office=office).exists()
    new = User.objects.get(email="kollegin@mitte.example", memberships__office=office)
    assert new != mallory and not new.has_usable_password()
    assert LINK.search(mail.outbox[0].body)


@pytest.mark.parametrize(
    "data",
    [
        {"email": "kein-at-zeichen", "roles": [Role.EDITOR]},
        {"email": "neu@mitte.example"},
        {"email": "neu@mitte.example", "roles": ["superuser"]},
    ],
)
def test_a_bad_invitation_is_a_form_error(desk_admin, data):
    answer = desk_admin.post(reverse("desk:members", args=["mitte"]), data)
    assert answer.status_code == 400
    assert b"error-summary" in answer.content
    assert not User.objects.filter(email__in=["kein-at-zeichen", "neu@mitte.example"]).exists()
    assert mail.outbox == []


def test_a_member_is_removed_and_loses_the_office(desk_admin, client, editor, office):
    answer = desk_admin.post(reverse("desk:member_remove", args=["mitte", editor.pk]))
    assert answer.status_code == 302
    assert not Membership.objects.filter(user=editor, office=office).exists()
    assert User.objects.filter(pk=editor.pk).exists()  # the account may work elsewhere
    client.force_login(editor)
    assert client.get(reverse("desk:dashboard", args=["mitte"])).status_code == 404


def test_roles_are_changed_to_exactly_the_chosen_ones(desk_admin, editor, office):
    desk_admin.post(
        reverse("desk:member_roles", args=["mitte", editor.pk]), {"roles": [Role.APPROVER]}
    )
    assert list(
        Membership.objects.filter(user=editor, office=office).values_list("role", flat=True)
    ) == [Role.APPROVER]


def test_the_last_office_admin_cannot_leave(desk_admin, office_admin, office):
    answer = desk_admin.post(
        reverse("desk:member_remove", args=["mitte", office_admin.pk]), follow=True
    )
    assert answer.status_code == 200
    assert Membership.objects.filter(user=office_admin, office=office, role=Role.ADMIN).exists()


def test_a_switched_off_account_with_more_rights_stays_off(mitte_admin, office):
    """Switched off by a superuser, the account keeps its rights on paper; the office admin
    (who lacks them) must not switch it on again."""
    strong = make_user("stark", office, Role.EDITOR)
    strong.is_active = False
    strong.save()
    # A right of the mail app: the office admin here has those of auth, offices and inbox.
    strong.user_permissions.add(Permission.objects.filter(content_type__app_label="mail")[0])
    mitte_admin.post(
        f"/admin/auth/user/{strong.pk}/change/", {"username": "stark", "is_active": "on"}
    )
    strong.refresh_from_db()
    assert not strong.is_active
