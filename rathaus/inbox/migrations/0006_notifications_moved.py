# The inbox's notifications live in the notifications app now (notifications 0003 copied
# every row before this drops the table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0005_plain_short_notice_label"),
        ("notifications", "0003_inbox_notifications"),
    ]

    operations = [migrations.DeleteModel(name="Notification")]
