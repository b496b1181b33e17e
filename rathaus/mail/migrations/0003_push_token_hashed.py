"""Push tokens were stored in plain; from now on only their SHA-256 (issue 10). Tokens
given out before keep working: each is replaced by its hash."""

from django.db import migrations, models

from rathaus.lib import sealing


def hash_tokens(apps, schema_editor):
    Mailbox = apps.get_model("mail", "Mailbox")
    for pk, value in Mailbox.objects.values_list("pk", "token_hash"):
        if not sealing.is_digest(value):
            Mailbox.objects.filter(pk=pk).update(token_hash=sealing.digest(value))


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_sealed_secrets"),
    ]

    operations = [
        migrations.RenameField(model_name="mailbox", old_name="token", new_name="token_hash"),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mailbox",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
