"""Seal every secret still stored in plain (issue 10): values the old sealing left as they
were because they began with "sealed:", and the two-factor secrets allauth kept in plain
(TOTP secrets, recovery-code seeds). From now on the fields open only sealed values. Safe
to run again: sealed values are left alone."""

from django.db import migrations

FIELDS = [
    ("federation", "Account", "private_key_pem"),
    ("federation", "InstanceActor", "private_key_pem"),
    ("mail", "Mailbox", "imap_password"),
    ("connectors", "ConnectedAccount", "access_token"),
    ("connectors", "ConnectedAccount", "refresh_token"),
]


def seal_stored(apps, schema_editor):
    from rathaus.offices.mfa import seal_data
    from rathaus.offices.sealed import seal_plain_values

    for app_label, model_name, field in FIELDS:
        seal_plain_values(apps.get_model(app_label, model_name), field)
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all():
        data = seal_data(authenticator.type, authenticator.data)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0003_working_hours_validated"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("federation", "0003_sealed_secrets"),
        ("mail", "0003_push_token_hashed"),
        ("connectors", "0001_initial"),
    ]

    operations = [migrations.RunPython(seal_stored, migrations.RunPython.noop)]
