"""The inbox's own notifications (assigned, mentioned, overdue) become notifications of
this app, so that there is one place for them; inbox 0006 then drops its table.

The old rows did not say what they were about, only their text: the kind is read from the
text's beginning (German, the installation's language, or English), a mention otherwise.
They link to the conversation's desk page as it is addressed today, and no mail is sent
for them: they were read on the desk, or not, long ago."""

from django.db import migrations

BATCH = 1000
OVERDUE = ("Überfällig:", "Overdue:")
ASSIGNED = ("Ihnen zugewiesen:", "Assigned to you:")


def _kind(text):
    if text.startswith(OVERDUE):
        return "overdue"
    if text.startswith(ASSIGNED):
        return "assigned"
    return "mentioned"


def copy(apps, schema_editor):
    Old = apps.get_model("inbox", "Notification")
    New = apps.get_model("notifications", "Notification")
    rows = Old.objects.select_related("conversation__office").order_by("pk")
    batch = []
    for old in rows.iterator(chunk_size=BATCH):
        batch.append(old)
        if len(batch) >= BATCH:
            _store(New, batch)
            batch = []
    _store(New, batch)


def _store(New, batch):
    made = New.objects.bulk_create(
        New(
            user_id=old.user_id,
            office_id=old.conversation.office_id,
            kind=_kind(old.text),
            text=old.text,
            url=f"/desk/{old.conversation.office.slug}/anfragen/{old.conversation_id}/",
            subject=f"conversation:{old.conversation_id}",
            read_at=old.read_at,
        )
        for old in batch
    )
    # created_at is auto_now_add, so the insert stamped "now": give each its own time back
    # (an update does not stamp it).
    for new, old in zip(made, batch, strict=True):
        new.created_at = old.created_at
    New.objects.bulk_update(made, ["created_at"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_subject"),
        ("inbox", "0005_plain_short_notice_label"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
