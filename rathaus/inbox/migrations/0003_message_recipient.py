# The column is added with plain ALTER TABLE instead of Django's AddField: on SQLite,
# AddField of a NOT NULL column rebuilds the table (copy, drop, rename), which drops the
# full-text triggers of 0002_search_index, and the inbox search then finds nothing new.

from django.db import migrations, models

ADD = "ALTER TABLE inbox_message ADD COLUMN recipient varchar(500) DEFAULT '' NOT NULL"
DROP = "ALTER TABLE inbox_message DROP COLUMN recipient"


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0002_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="message",
                    name="recipient",
                    field=models.CharField(blank=True, max_length=500),
                ),
            ],
        ),
    ]
