"""A mailing goes out in batches of NEWSLETTER_BATCH_SIZE through the task queue, one task
per batch (the job engine's run of ``newsletter.send`` for the batch's rows), and every
subscriber gets it exactly once, even when the queue hands a batch task out twice."""

from django.core import mail
from huey import signals
from huey.contrib.djhuey import HUEY

from rathaus.delivery.models import Delivery
from rathaus.jobs import runner
from rathaus.newsletter.background import SEND
from rathaus.newsletter.models import Mailing, NewsletterSettings, Send, Subscriber
from rathaus.posts import lifecycle


def _subscribers(office, count, categories="*"):
    Subscriber.objects.bulk_create(
        Subscriber(
            office=office,
            email=f"leser{number}@example.org",
            categories=categories,
            status=Subscriber.Status.CONFIRMED,
        )
        for number in range(count)
    )


def _taken(huey) -> list:
    found = []
    while (task := huey.dequeue()) is not None:
        found.append(task)
    return found


def _batch_ids(mailing, batch) -> list[int]:
    return list(
        Send.objects.filter(mailing=mailing, batch=batch)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_450_subscribers_go_out_in_3_batches_each_exactly_once_when_every_task_runs_twice(
    office, settings, publish_post, queue_only, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 200
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscribers(office, 450)
    publish_post(title="Wahlhelfer gesucht", body="Melden Sie sich!", category="notice")
    assert mail.outbox == []  # nothing is sent before a worker takes the tasks

    with django_capture_on_commit_callbacks(execute=True):
        for task in _taken(queue_only):  # the delivery: queues the mailing
            queue_only.execute(task)
    delivery = Delivery.objects.get(channel="newsletter")
    assert delivery.status == Delivery.Status.PUBLISHED
    mailing = Mailing.objects.get()
    assert (mailing.recipients, mailing.batches) == (450, 3)

    batch_tasks = _taken(queue_only)
    assert sorted(task.args for task in batch_tasks) == [
        (SEND.name, _batch_ids(mailing, 0)),
        (SEND.name, _batch_ids(mailing, 1)),
        (SEND.name, _batch_ids(mailing, 2)),
    ]
    sent_by_task = [queue_only.execute(task) for task in batch_tasks + batch_tasks]
    assert sorted(sent_by_task) == [0, 0, 0, 50, 200, 200]

    addresses = [message.to[0] for message in mail.outbox]
    assert len(addresses) == 450
    assert len(set(addresses)) == 450
    assert Send.objects.filter(status=Send.Status.SENT).count() == 450


def test_one_task_per_batch_also_with_the_queue_running_at_once(office, settings, publish_post):
    settings.NEWSLETTER_BATCH_SIZE = 200
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscribers(office, 450)
    executed = []

    @HUEY.signal(signals.SIGNAL_EXECUTING)
    def record(signal, task):
        if task.name.endswith("run_kind") and task.args[0] == SEND.name:
            batches = set(Send.objects.filter(pk__in=task.args[1]).values_list("batch", flat=True))
            executed.append(batches.pop() if len(batches) == 1 else batches)

    try:
        publish_post(title="Wahlhelfer gesucht", body="Melden Sie sich!", category="notice")
    finally:
        HUEY.disconnect_signal(record, signals.SIGNAL_EXECUTING)
    assert sorted(executed) == [0, 1, 2]
    sizes = [Send.objects.filter(batch=batch).count() for batch in (0, 1, 2)]
    assert sizes == [200, 200, 50]
    assert len(mail.outbox) == 450
    runner.wake(SEND, ids=_batch_ids(Mailing.objects.get(), 1))  # a lost-and-found task again
    assert len(mail.outbox) == 450


def test_a_subscriber_who_leaves_before_their_batch_gets_nothing(
    office, settings, publish_post, queue_only, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscribers(office, 4)
    publish_post(title="Sperrmüll", body="Abholung am Freitag.", category="service")
    with django_capture_on_commit_callbacks(execute=True):
        for task in _taken(queue_only):
            queue_only.execute(task)
    Subscriber.objects.get(email="leser3@example.org").delete()  # unsubscribed meanwhile
    for task in _taken(queue_only):
        queue_only.execute(task)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "leser0@example.org",
        "leser1@example.org",
        "leser2@example.org",
    ]
    assert Send.objects.filter(status=Send.Status.CANCELLED).count() == 1


def test_a_post_withdrawn_while_it_goes_out_is_not_sent_further(
    office, settings, approver, publish_post, queue_only, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscribers(office, 4)
    post = publish_post(title="Falsche Meldung", body="Oops.", category="service")
    with django_capture_on_commit_callbacks(execute=True):
        for task in _taken(queue_only):
            queue_only.execute(task)
    first, second = sorted(_taken(queue_only), key=lambda task: task.args[1])
    queue_only.execute(first)
    lifecycle.withdraw(post, by=approver, reason="Falsch")
    queue_only.execute(second)
    assert len(mail.outbox) == 2
    assert Send.objects.filter(status=Send.Status.CANCELLED).count() == 2
