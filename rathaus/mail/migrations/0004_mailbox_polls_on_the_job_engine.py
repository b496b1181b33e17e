"""A mailbox's poll becomes recurring work of the job engine: the engine's columns on the
mailbox, and ``fetch_started_at`` becomes a lease (start + the 10 minutes after which a
fetch counted as left by a dead worker, so the sweep frees it as before). The proxy
``PolledMailbox`` is the engine's view of the mailboxes it fetches."""

from datetime import timedelta

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

LEASE = timedelta(minutes=10)


def forwards(apps, schema_editor):
    Mailbox = apps.get_model("mail", "Mailbox")
    Mailbox.objects.exclude(fetch_started_at=None).update(
        status="running", lease_until=F("fetch_started_at") + LEASE, lease_token="before-upgrade"
    )


def backwards(apps, schema_editor):
    Mailbox = apps.get_model("mail", "Mailbox")
    Mailbox.objects.filter(status="running").update(fetch_started_at=F("lease_until") - LEASE)


class Migration(migrations.Migration):

    dependencies = [
        ("mail", "0003_push_token_hashed"),
        ("offices", "0006_public_base_url_needed_by_platforms"),
    ]

    operations = [
        migrations.CreateModel(
            name="PolledMailbox",
            fields=[],
            options={
                "verbose_name": "mailbox",
                "verbose_name_plural": "mailboxes",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("mail.mailbox",),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="lease_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting for the next fetch"),
                    ("running", "Being fetched"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="mailbox", name="fetch_started_at"),
        migrations.AddIndex(
            model_name="mailbox",
            index=models.Index(
                fields=["status", "next_attempt_at"], name="mail_mailbo_status_ce244e_idx"
            ),
        ),
    ]
