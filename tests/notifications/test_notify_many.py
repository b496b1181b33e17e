"""``notify_many``: many steps of one kind in one office told at once, with ``notify``'s
rules (which is the one-notice case of it): never the actor, only active members, a desk
path only, mail from the job engine after the commit; a few statements for all of them."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.jobs.models import Job
from rathaus.notifications.models import Notification
from rathaus.notifications.notify import Notice, notify_many, set_by_mail

KIND = Notification.Kind.PUBLISHED


def _notices(*groups):
    return [
        Notice(users, text=f"Meldung {n}", url=f"/desk/mitte/beitraege/{n}/", subject=f"post:{n}")
        for n, users in enumerate(groups)
    ]


def _made():
    return sorted(Notification.objects.values_list("user__username", "text", "url", "subject"))


def test_each_notice_reaches_its_own_people_with_its_own_text_link_and_subject(
    office, editor, approver, agent
):
    made = notify_many(
        _notices([editor, None], [approver, agent, approver]), office=office, kind=KIND
    )
    assert len(made) == 3
    assert _made() == [
        ("agnes.agent", "Meldung 1", "/desk/mitte/beitraege/1/", "post:1"),
        ("anton.approver", "Meldung 1", "/desk/mitte/beitraege/1/", "post:1"),
        ("erika.editor", "Meldung 0", "/desk/mitte/beitraege/0/", "post:0"),
    ]
    assert {n.kind for n in Notification.objects.all()} == {KIND}


def test_someone_named_in_two_notices_hears_of_both(office, editor):
    notify_many(_notices([editor], [editor, editor]), office=office, kind=KIND)
    assert [text for _user, text, _url, _subject in _made()] == ["Meldung 0", "Meldung 1"]


def test_the_actor_hears_of_none_of_their_steps(office, editor, approver):
    notify_many(_notices([editor, approver], [approver]), office=office, kind=KIND, by=approver)
    assert [user for user, *_rest in _made()] == ["erika.editor"]


def test_outsiders_and_inactive_members_hear_nothing(office, editor, approver, outsider):
    approver.is_active = False
    approver.save()
    made = notify_many(_notices([outsider, approver], [editor, outsider]), office=office, kind=KIND)
    assert [n.user_id for n in made] == [editor.pk]
    assert notify_many(_notices([outsider]), office=office, kind=KIND) == []


def test_one_link_off_the_desk_stores_nothing_at_all(office, editor):
    notices = [*_notices([editor]), Notice([editor], text="x", url="https://evil.example/")]
    with pytest.raises(ValueError, match="desk path"):
        notify_many(notices, office=office, kind=KIND)
    assert not Notification.objects.exists()


def test_mail_goes_out_from_the_engine_after_the_commit_to_who_wants_it(
    office, editor, approver, agent, django_capture_on_commit_callbacks
):
    for user in (editor, approver):
        user.email = f"{user.username}@mitte.example"
        user.save()
    set_by_mail(approver, False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_many(_notices([editor, approver, agent], [editor]), office=office, kind=KIND)
    # Two for the editor; none for who turned it off, none for who has no address.
    assert Job.objects.filter(kind="notifications.mail").count() == 2
    assert mail.outbox == []  # nothing inside the step
    for callback in callbacks:
        callback()
    assert sorted((m.to[0], m.body.split("\n")[0]) for m in mail.outbox) == [
        ("erika.editor@mitte.example", "Meldung 0"),
        ("erika.editor@mitte.example", "Meldung 1"),
    ]


def test_the_statements_do_not_grow_with_the_notices(office, editor, approver, agent):
    for user in (editor, approver, agent):
        user.email = f"{user.username}@mitte.example"
        user.save()

    def statements(count):
        with CaptureQueriesContext(connection) as queries:
            notify_many(_notices(*[[editor, approver, agent]] * count), office=office, kind=KIND)
        return len(queries)

    assert statements(1) == statements(30)
    assert Job.objects.filter(kind="notifications.mail").count() == 3 + 90
