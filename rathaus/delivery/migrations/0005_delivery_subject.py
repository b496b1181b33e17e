"""A delivery's post or answer becomes its generic subject (content type + id): posts and
the inbox are layers above delivery, so the delivery table stops pointing at them. Each
row keeps what it delivers; the check that it had exactly one of the two goes with the
two columns, as the subject is never empty."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

# The old foreign key → the subject's content type.
SUBJECTS = {"post": ("posts", "post"), "message": ("inbox", "message")}


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Delivery = apps.get_model("delivery", "Delivery")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for field, (app_label, model) in SUBJECTS.items():
        rows = Delivery.objects.using(db).filter(**{f"{field}__isnull": False})
        if rows.exists():
            subject_type, _ = ContentType.objects.using(db).get_or_create(
                app_label=app_label, model=model
            )
            rows.update(subject_type=subject_type, subject_id=F(f"{field}_id"))


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Delivery = apps.get_model("delivery", "Delivery")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for field, (app_label, model) in SUBJECTS.items():
        subject_type = (
            ContentType.objects.using(db).filter(app_label=app_label, model=model).first()
        )
        if subject_type is not None:
            Delivery.objects.using(db).filter(subject_type=subject_type).update(
                **{f"{field}_id": F("subject_id")}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("delivery", "0004_deliveries_on_the_job_engine"),
        ("inbox", "0001_initial"),
        ("posts", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="delivery", name="delivery_of_post_or_message"),
        migrations.AddField(
            model_name="delivery",
            name="subject_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="delivery", name="post"),
        migrations.RemoveField(model_name="delivery", name="message"),
        migrations.AlterField(
            model_name="delivery",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="subject_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                fields=["subject_type", "subject_id"], name="delivery_de_subject_39da64_idx"
            ),
        ),
    ]
