"""Who hears of which step: a submitted post the office's approvers; sent back (with the
reason), approved, scheduled, published its author and last editor; a delivery given up
the approver who published; an answer suggested for the FAQ those who publish the FAQ."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.answers.reuse import save_as_faq
from rathaus.delivery import channels, outbox, sending
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.notifications.models import Notification
from rathaus.offices.models import Role
from rathaus.posts import lifecycle
from tests.helpers import ask, make_user

Kind = Notification.Kind


def told(kind):
    return sorted(n.user.username for n in Notification.objects.filter(kind=kind))


@pytest.fixture
def second_approver(office):
    return make_user("berta.approver", office, Role.APPROVER)


def test_a_submitted_post_goes_to_every_approver(draft, editor, approver, second_approver):
    lifecycle.submit(draft, by=editor)
    assert told(Kind.SUBMITTED) == ["anton.approver", "berta.approver"]
    notification = Notification.objects.filter(kind=Kind.SUBMITTED).first()
    assert notification.url == f"/desk/mitte/beitraege/{draft.pk}/"
    assert "Baumfällung in der Lindenallee" in notification.text
    assert "erika.editor" in notification.text


def test_sent_back_tells_author_and_last_editor_the_reason(draft, editor, approver, office):
    colleague = make_user("carla.editor", office, Role.EDITOR)
    lifecycle.edit(draft, by=colleague, title="Baumfällung Lindenallee")
    lifecycle.submit(draft, by=colleague)
    lifecycle.send_back(draft, by=approver, reason="Bitte den Ort nennen.")
    assert told(Kind.SENT_BACK) == ["carla.editor", "erika.editor"]
    notification = Notification.objects.filter(kind=Kind.SENT_BACK).first()
    assert "Bitte den Ort nennen." in notification.text


def test_the_text_is_in_the_installations_language_not_the_actors(
    draft, editor, approver, monkeypatch
):
    from django.utils import translation

    from rathaus.posts import notices

    # Which language the text is translated in, whatever the catalogue holds yet.
    monkeypatch.setattr(notices, "_", lambda text: f"[{translation.get_language()}] {text}")
    lifecycle.submit(draft, by=editor)
    with translation.override("en"):
        lifecycle.send_back(draft, by=approver, reason="Zu lang.")
    assert Notification.objects.get(kind=Kind.SENT_BACK).text.startswith("[de] ")


def test_nobody_hears_of_their_own_step(draft, editor, office):
    both = make_user("doris.both", office, Role.EDITOR, Role.APPROVER)
    lifecycle.edit(draft, by=both, title="Neu")
    lifecycle.submit(draft, by=both)
    assert "doris.both" not in told(Kind.SUBMITTED)
    lifecycle.send_back(draft, by=both, reason="Doch nicht.")
    assert told(Kind.SENT_BACK) == ["erika.editor"]


def test_approved_and_published_go_to_the_author(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    assert told(Kind.APPROVED) == ["erika.editor"]
    lifecycle.publish(draft, by=approver)
    assert told(Kind.PUBLISHED) == ["erika.editor"]
    assert not Notification.objects.filter(user=approver).exclude(kind=Kind.SUBMITTED).exists()


def test_scheduling_is_told_with_the_time(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    at = (timezone.now() + timedelta(days=2)).replace(hour=9, minute=30, second=0)
    lifecycle.schedule(draft, by=approver, at=at)
    [notification] = Notification.objects.filter(kind=Kind.SCHEDULED)
    local = at.astimezone(draft.office.zone)
    assert local.strftime("%d.%m.%Y %H:%M") in notification.text


def test_a_delivery_given_up_goes_to_the_approver_who_published(
    published, approver, editor, scripted_channel
):
    outbox.enqueue(published, outbox.Action.PUBLISH)
    delivery = Delivery.objects.get(post=published, channel="scripted")
    scripted_channel.outcomes = [channels.PermanentError("Der Beitrag wurde abgelehnt.")]
    assert sending.send(delivery.pk) == Delivery.Status.FAILED
    [notification] = Notification.objects.filter(kind=Kind.DELIVERY_FAILED)
    assert notification.user == approver
    assert "Der Beitrag wurde abgelehnt." in notification.text
    assert "Scripted" in notification.text


def test_a_retry_that_is_not_the_last_tells_nobody(published, scripted_channel):
    outbox.enqueue(published, outbox.Action.PUBLISH)
    delivery = Delivery.objects.get(post=published, channel="scripted")
    scripted_channel.outcomes = [channels.TemporaryError("503")]
    assert sending.send(delivery.pk) == Delivery.Status.QUEUED
    assert not Notification.objects.filter(kind=Kind.DELIVERY_FAILED).exists()


def test_an_faq_suggestion_goes_to_those_who_publish_the_faq(
    office, agent, approver, editor, office_admin
):
    conversation = ask(office, "Wann wird die Linde gefällt?").conversation
    answer = work.reply(conversation, "Am Montag.", by=agent)
    entry = save_as_faq(answer, question="Wann werden Bäume gefällt?", by=agent)
    assert told(Kind.FAQ_SUGGESTED) == ["anton.approver", "otto.admin"]
    notification = Notification.objects.filter(kind=Kind.FAQ_SUGGESTED).first()
    assert notification.url == f"/desk/mitte/einstellungen/faq/{entry.pk}/"
    assert "Wann werden Bäume gefällt?" in notification.text
