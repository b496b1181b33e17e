"""``notify``: one row per person who is a member of the office, never the actor, a desk
path only; a mail from the job engine for those who did not turn mail off."""

import pytest
from django.core import mail

from rathaus.jobs.models import Job
from rathaus.notifications.models import Notification
from rathaus.notifications.notify import mark_read, notify, set_by_mail, unread
from rathaus.offices.models import Membership, Role


def _notify(office, users, **options):
    fields = {"kind": Notification.Kind.SUBMITTED, "text": "Bitte prüfen", "url": "/desk/x/"}
    return notify(users, office=office, **(fields | options))


def test_each_member_gets_one_notification_but_not_the_actor(office, editor, approver, agent):
    made = _notify(office, [editor, approver, approver, agent, None], by=editor)
    assert sorted(n.user_id for n in made) == sorted([approver.pk, agent.pk])
    assert Notification.objects.filter(user=editor).count() == 0


def test_someone_who_is_not_a_member_hears_nothing(office, editor, outsider):
    assert _notify(office, [outsider, editor]) and Notification.objects.get().user == editor


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "desk/x/"])
def test_a_notification_links_to_a_desk_path_only(office, editor, url):
    with pytest.raises(ValueError, match="desk path"):
        _notify(office, [editor], url=url)
    assert not Notification.objects.exists()


def test_the_mail_goes_out_from_the_job_engine_after_the_commit(
    office, editor, django_capture_on_commit_callbacks
):
    editor.email = "erika@mitte.example"
    editor.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(office, [editor], text="„Linden“ wurde zurückgegeben")
    assert mail.outbox == []  # nothing inside the step
    for callback in callbacks:
        callback()
    [sent] = mail.outbox
    assert sent.to == ["erika@mitte.example"]
    assert "„Linden“ wurde zurückgegeben" in sent.body
    assert "/desk/x/" in sent.body
    assert office.name in sent.subject


def test_no_mail_for_who_turned_it_off(office, editor, django_capture_on_commit_callbacks):
    editor.email = "erika@mitte.example"
    editor.save()
    set_by_mail(editor, False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(office, [editor])
    assert Notification.objects.filter(user=editor).exists()
    assert mail.outbox == []


def test_marking_read_touches_only_my_own(office, editor, approver):
    mine, theirs = _notify(office, [editor]), _notify(office, [approver])
    assert mark_read(editor, office, theirs[0].pk) == 0
    assert mark_read(editor, office, mine[0].pk) == 1
    assert not unread(editor, office).exists() and unread(approver, office).exists()


def test_the_count_is_per_office(office, other_office, editor):
    Membership.objects.create(user=editor, office=other_office, role=Role.EDITOR)
    _notify(office, [editor])
    _notify(other_office, [editor])
    assert unread(editor, office).count() == 1
    mark_read(editor, office)
    assert unread(editor, other_office).count() == 1


def test_no_mail_is_queued_for_someone_without_an_address(office, editor):
    _notify(office, [editor])  # the fixture's editor has no email address
    assert Notification.objects.filter(user=editor).exists()
    assert not Job.objects.filter(kind="notifications.mail").exists()


def test_without_mail_nothing_is_queued_and_the_subject_is_kept(office, editor):
    editor.email = "erika@mitte.example"
    editor.save()
    [made] = _notify(office, [editor], subject="conversation:7", mail=False)
    assert Notification.objects.get(subject="conversation:7") == made
    assert not Job.objects.filter(kind="notifications.mail").exists()
    _notify(office, [editor])  # the default: mailed
    assert Job.objects.filter(kind="notifications.mail").count() == 1
