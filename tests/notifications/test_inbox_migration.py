"""Notifications 0003 and inbox 0006: the inbox's own notifications become notifications
of the office, with their kind, reading state, time and conversation, before the inbox's
table goes."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rathaus.notifications.models import Notification
from tests.helpers import make_user

BEFORE = [("inbox", "0005_plain_short_notice_label"), ("notifications", "0002_subject")]
AFTER = [("inbox", "0006_notifications_moved")]
THEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def back_then():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)  # the graph as it is now, for the way back
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_every_inbox_notification_is_moved_with_its_state(office, back_then):
    from rathaus.offices.models import Role

    agent = make_user("agnes.agent", office, Role.AGENT)
    # The model as it was then: today's has columns later migrations added.
    conversation = back_then.get_model("inbox", "Conversation").objects.create(
        office_id=office.pk, channel="contact", subject="Linde", last_message_at=THEN
    )
    Old = back_then.get_model("inbox", "Notification")
    texts = ["Überfällig: Linde", "Ihnen zugewiesen: Linde", "admin hat Sie erwähnt: Linde"]
    for n, text in enumerate(texts):
        row = Old.objects.create(
            user_id=agent.pk,
            conversation_id=conversation.pk,
            text=text,
            read_at=THEN if n == 0 else None,
        )
        Old.objects.filter(pk=row.pk).update(created_at=THEN)

    MigrationExecutor(connection).migrate(AFTER)

    moved = Notification.objects.order_by("pk")
    assert [(n.kind, n.text) for n in moved] == list(
        zip(["overdue", "assigned", "mentioned"], texts, strict=True)
    )
    for notification in moved:
        assert (notification.user, notification.office) == (agent, office)
        assert notification.url == f"/desk/{office.slug}/anfragen/{conversation.pk}/"
        assert notification.subject == f"conversation:{conversation.pk}"
        assert notification.created_at == THEN
    assert [n.read_at for n in moved] == [THEN, None, None]
    assert "inbox_notification" not in connection.introspection.table_names()
