"""The audit log stops pointing at offices.Office: the column office_id stays with its
values and its index, only the foreign key constraint goes, and the field is a plain
integer. The offices app deletes an office's entries with the office instead."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        # Drops the constraint only; the column and its index keep their name and values.
        migrations.AlterField(
            model_name="auditentry",
            name="office",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="offices.office",
            ),
        ),
        # The same column, now known as a plain integer: nothing to do in the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="auditentry", name="office"),
                migrations.AddField(
                    model_name="auditentry",
                    name="office_id",
                    field=models.BigIntegerField(db_index=True),
                    preserve_default=False,
                ),
            ]
        ),
    ]
