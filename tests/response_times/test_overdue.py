"""Overdue conversations: the assignee, else the team, else every agent of the office is
told once per due time that passed, in the desk and by one email per person."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from rathaus.inbox.models import Conversation, Team
from rathaus.jobs import engine, runner
from rathaus.notifications.models import Notification
from rathaus.offices.models import Membership, Role
from rathaus.response_times import background, overdue
from rathaus.response_times.background import NOTIFY_OVERDUE

NOW = timezone.now()


def conversation(office, *, due_in=-1, **fields) -> Conversation:
    """A conversation whose first answer is due ``due_in`` hours from NOW."""
    return Conversation.objects.create(
        office=office,
        channel="contact",
        subject="Wann wird die Linde vor Haus 12 gefällt?",
        citizen_name="Anna Anwohnerin",
        last_message_at=NOW - timedelta(hours=5),
        first_response_due=NOW + timedelta(hours=due_in),
        **fields,
    )


def person(username, office, *roles, email=True):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@mitte.example" if email else ""
    )
    for role in roles:
        Membership.objects.create(user=user, office=office, role=role)
    return user


@pytest.fixture
def agents(office):
    return [person("ali", office, Role.AGENT), person("bea", office, Role.AGENT)]


def notified(conversation) -> set[str]:
    return {
        n.user.username
        for n in Notification.objects.filter(subject=f"conversation:{conversation.pk}")
    }


def mailed() -> dict[str, str]:
    return {message.to[0]: message.body for message in mail.outbox}


def test_the_assignee_is_told_in_the_desk_and_by_email(office, agents, english_messages):
    late = conversation(office, assignee=agents[0])
    assert overdue.notify_overdue(NOW) == 1
    assert notified(late) == {"ali"}
    assert list(mailed()) == ["ali@mitte.example"]
    assert late.reference in mail.outbox[0].body
    assert "1 conversation is overdue" in mail.outbox[0].subject
    late.refresh_from_db()
    assert late.overdue_notified_at == NOW


def test_without_an_assignee_the_teams_members_are_told(office, agents):
    team = Team.objects.create(office=office, name="Grünflächen")
    gone = person("ex.kollege", office)  # in the team, no longer an agent of the office
    team.members.add(agents[1], gone)
    late = conversation(office, team=team)
    overdue.notify_overdue(NOW)
    assert notified(late) == {"bea"}
    assert list(mailed()) == ["bea@mitte.example"]


def test_without_assignee_or_team_every_agent_of_the_office_is_told(
    office, other_office, agents, editor
):
    person("nils.nord", other_office, Role.AGENT)
    late = conversation(office)
    overdue.notify_overdue(NOW)
    assert notified(late) == {"ali", "bea"}
    assert sorted(mailed()) == ["ali@mitte.example", "bea@mitte.example"]


def test_an_assignee_who_left_the_office_hands_over_to_the_agents(office, agents):
    former = person("fritz", office, Role.AGENT)
    late = conversation(office, assignee=former)
    Membership.objects.filter(user=former).delete()
    overdue.notify_overdue(NOW)
    assert notified(late) == {"ali", "bea"}


def test_each_conversation_is_notified_once(office, agents):
    late = conversation(office, assignee=agents[0])
    assert overdue.notify_overdue(NOW) == 1
    assert overdue.notify_overdue(NOW + timedelta(minutes=5)) == 0
    assert Notification.objects.filter(subject=f"conversation:{late.pk}").count() == 1
    assert len(mail.outbox) == 1


def test_a_later_due_time_passing_is_a_new_notice(office, agents):
    late = conversation(office, assignee=agents[0], resolution_due=NOW + timedelta(hours=3))
    assert overdue.notify_overdue(NOW) == 1
    # The first answer comes (late); closing is due in three hours.
    Conversation.objects.filter(pk=late.pk).update(first_response_at=NOW + timedelta(hours=1))
    assert overdue.notify_overdue(NOW + timedelta(hours=2)) == 0
    assert overdue.notify_overdue(NOW + timedelta(hours=4)) == 1
    assert Notification.objects.filter(subject=f"conversation:{late.pk}").count() == 2


def test_one_email_per_person_lists_all_their_conversations(office, agents, english_messages):
    first = conversation(office, assignee=agents[0])
    second = conversation(office, assignee=agents[0], due_in=-30)
    conversation(office, assignee=agents[1], due_in=2)  # not yet due
    assert overdue.notify_overdue(NOW) == 2
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert first.reference in body and second.reference in body
    assert "2 conversations are overdue" in mail.outbox[0].subject
    # Reference numbers and times only: what the citizen wrote stays in the desk.
    assert "Linde" not in body and "Anna" not in body


def test_people_without_an_email_address_are_told_in_the_desk_only(office):
    quiet = person("quentin", office, Role.AGENT, email=False)
    late = conversation(office, assignee=quiet)
    overdue.notify_overdue(NOW)
    assert notified(late) == {"quentin"}
    assert mail.outbox == []


def test_closed_answered_and_not_yet_due_conversations_are_left_alone(office, agents):
    conversation(office, status=Conversation.Status.CLOSED, assignee=agents[0])
    conversation(office, first_response_at=NOW - timedelta(hours=2), assignee=agents[0])
    conversation(office, due_in=1, assignee=agents[0])
    Conversation.objects.create(
        office=office, channel="contact", last_message_at=NOW, assignee=agents[0]
    )  # no target, no due time
    assert overdue.notify_overdue(NOW) == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_notice_is_recorded_in_the_audit_log(office, agents):
    from rathaus.audit.log import history

    late = conversation(office, assignee=agents[0])
    overdue.notify_overdue(NOW)
    [notice] = history(late).filter(action="overdue_notified")
    assert notice.after == {"notified": ["ali"]}
    assert notice.actor is None


def test_the_periodic_task_notifies(office, agents):
    late = conversation(office, assignee=agents[1])
    assert "response_times.overdue" in runner.tick()  # the recurring job, made and run
    assert notified(late) == {"bea"}
    assert Notification.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1), tick=False):
        assert [outcome.result for outcome in runner.run(NOTIFY_OVERDUE)] == [0]


def test_two_workers_never_notify_the_same_due_time_twice(office, agents):
    late = conversation(office, assignee=agents[0])
    engine.enqueue(NOTIFY_OVERDUE, "")  # the recurring job, as the tick makes it
    first_worker = engine.claim(NOTIFY_OVERDUE)
    assert engine.claim(NOTIFY_OVERDUE) == []  # the second worker gets nothing to do
    assert [outcome.result for outcome in background.handle(first_worker)] == [1]
    assert Notification.objects.filter(subject=f"conversation:{late.pk}").count() == 1


def test_a_target_for_closing_only_is_notified_too(office, agents, english_messages):
    late = conversation(office, assignee=agents[0], resolution_due=NOW - timedelta(hours=1))
    Conversation.objects.filter(pk=late.pk).update(first_response_due=None)
    assert overdue.notify_overdue(NOW) == 1
    assert "closing was due" in mail.outbox[0].body
    assert "first answer" not in mail.outbox[0].body


def test_the_notice_is_a_notification_of_the_office_and_the_summary_the_only_mail(
    office, agents, django_capture_on_commit_callbacks
):
    from rathaus.jobs.models import Job

    late = conversation(office, assignee=agents[0])
    with django_capture_on_commit_callbacks(execute=True):
        overdue.notify_overdue(NOW)
    notice = Notification.objects.get()
    assert (notice.kind, notice.office, notice.user) == ("overdue", office, agents[0])
    assert notice.url == f"/desk/{office.slug}/anfragen/{late.pk}/"
    assert notice.subject == f"conversation:{late.pk}"
    assert not Job.objects.filter(kind="notifications.mail").exists()  # no second mail
    assert len(mail.outbox) == 1


def test_who_turned_notification_mails_off_gets_no_summary(office, agents):
    from rathaus.notifications.notify import set_by_mail

    set_by_mail(agents[0], False)
    late = conversation(office)
    overdue.notify_overdue(NOW)
    assert notified(late) == {"ali", "bea"}  # on the desk all the same
    assert list(mailed()) == ["bea@mitte.example"]
