"""Send rows become rows of the job engine: "sending" is called "running" as in every kind,
the claim time becomes a lease (claim + the 15 minutes after which a row counted as left by
a dead worker, so the sweep fails rows claimed before the upgrade as before), and the mail
server's words move from ``error`` to ``last_error``."""

from datetime import timedelta

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

LEASE = timedelta(minutes=15)


def forwards(apps, schema_editor):
    Send = apps.get_model("newsletter", "Send")
    Send.objects.filter(status="sending").update(
        status="running", lease_until=F("claimed_at") + LEASE, lease_token="before-upgrade"
    )


def backwards(apps, schema_editor):
    Send = apps.get_model("newsletter", "Send")
    Send.objects.filter(status="running").update(
        status="sending", claimed_at=F("lease_until") - LEASE
    )


class Migration(migrations.Migration):

    dependencies = [
        ("newsletter", "0003_mailing_error"),
    ]

    operations = [
        migrations.RenameField(model_name="send", old_name="error", new_name="last_error"),
        migrations.AlterField(
            model_name="send",
            name="last_error",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="send",
            name="lease_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="send",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="send",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="send",
            name="attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="send",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("cancelled", "Not sent"),
                ],
                default="queued",
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="send", name="claimed_at"),
        migrations.AddIndex(
            model_name="send",
            index=models.Index(
                fields=["status", "next_attempt_at"], name="newsletter__status_672d0f_idx"
            ),
        ),
    ]
