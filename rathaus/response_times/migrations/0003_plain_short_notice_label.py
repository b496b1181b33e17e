# The short notice's label is plain now ('Short notice'; the examples are the desk form's
# help text). Choices are no column: no SQL runs on either database, only the state follows.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('response_times', '0002_closure'),
    ]

    operations = [
        migrations.AlterField(
            model_name='responsetarget',
            name='category',
            field=models.CharField(blank=True, choices=[('press_release', 'Press release'), ('notice', 'Public notice (Bekanntmachung)'), ('participation', 'Participation procedure (Beteiligungsverfahren)'), ('service', 'Service information'), ('meeting', 'Council meeting'), ('resolution', 'Council resolution'), ('short_notice', 'Short notice'), ('emergency', 'Emergency warning')], help_text="Empty: the office's default for conversations of any other category.", max_length=20, verbose_name='category'),
        ),
    ]
