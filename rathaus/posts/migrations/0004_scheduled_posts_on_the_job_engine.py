"""Posts scheduled before the upgrade get their job on the engine (kind ``posts.publish``,
keyed by the post, due at its time): the clock no longer searches the posts themselves."""

from django.db import migrations

KIND = "posts.publish"  # posts.scheduling.KIND, written out: migrations don't import code


def forwards(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    Job = apps.get_model("jobs", "Job")
    scheduled = Post.objects.filter(status="scheduled", publish_at__isnull=False)
    Job.objects.bulk_create(
        [
            Job(kind=KIND, key=str(pk), next_attempt_at=at, payload={})
            for pk, at in scheduled.values_list("pk", "publish_at")
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor):
    apps.get_model("jobs", "Job").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("posts", "0003_image_key_unique"),
        ("jobs", "0001_durable_jobs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
