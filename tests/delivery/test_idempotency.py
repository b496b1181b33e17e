"""A delivery is never sent twice for the same post version."""

import threading

import pytest
from django.db import connection

from rathaus.delivery import outbox, sending
from rathaus.delivery.background import SEND
from rathaus.delivery.models import Delivery
from rathaus.jobs import engine
from rathaus.posts import lifecycle


def test_enqueueing_the_same_version_twice_creates_nothing_new(published):
    assert outbox.enqueue(published, outbox.Action.PUBLISH) == []
    assert Delivery.objects.filter(post=published).count() == 1


def test_a_second_claim_of_the_same_row_loses(published, scripted_channel):
    outbox.enqueue(published, outbox.Action.PUBLISH)
    delivery = Delivery.objects.get(channel="scripted")
    assert engine.claim(SEND, ids=[delivery.pk]) != []
    assert engine.claim(SEND, ids=[delivery.pk]) == []


def test_sending_a_published_delivery_again_does_nothing(published, scripted_channel):
    outbox.enqueue(published, outbox.Action.PUBLISH)
    delivery = Delivery.objects.get(channel="scripted")
    sending.send(delivery.pk)
    sending.send(delivery.pk)
    assert scripted_channel.calls == [("publish", published.pk)]


def test_a_vanished_delivery_is_ignored_quietly(db):
    assert sending.send(987654) is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_each_delivery_once(office, editor, approver, scripted_channel):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    posts = []
    for n in range(10):
        post = lifecycle.create_draft(office, by=editor, title=f"Meldung {n}", body="Text")
        lifecycle.submit(post, by=editor)
        lifecycle.approve(post, by=approver)
        posts.append(lifecycle.publish(post, by=approver))
    Delivery.objects.update(status=Delivery.Status.QUEUED, attempts=0)
    scripted_channel.calls.clear()
    ids = list(Delivery.objects.values_list("pk", flat=True))

    def worker() -> None:
        for pk in ids:
            sending.send(pk)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(scripted_channel.calls) == sorted(("publish", p.pk) for p in posts)
    assert Delivery.objects.filter(status=Delivery.Status.PUBLISHED).count() == len(ids)


def test_a_correction_is_a_new_version_with_its_own_deliveries(
    published, approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(published, by=approver, note="Tippfehler", title="Baumfällung Linden")
    actions = sorted(Delivery.objects.filter(post=published).values_list("action", flat=True))
    assert actions == ["publish", "update"]
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.withdraw(published, by=approver, reason="")
