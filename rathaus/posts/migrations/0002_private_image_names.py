"""Uploads become private and post images get names nobody can guess (issue 10).

Older versions kept uploads in <data dir>/media/ and served that directory at /media/, so
a draft's image was public under its original file name. This moves every upload (post
images, citizens' photos, logos: the names of the latter two stay) to MEDIA_ROOT, which no
URL serves, and renames each post image to a random name, keeping the old file name only
for display. Images of public posts get their JPEG rendition from the worker (or on first
request) under their new random key.
"""

import secrets
import shutil
from pathlib import Path, PurePath

import rathaus.posts.models
from django.conf import settings
from django.db import migrations, models

SUFFIXES = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png", ".webp": ".webp", ".gif": ".gif"}


def _move_old_uploads(new_root: Path) -> None:
    old_root = Path(settings.DATA_DIR) / "media"
    if not old_root.is_dir() or old_root.resolve() == new_root.resolve():
        return
    for path in sorted(old_root.rglob("*")):
        target = new_root / path.relative_to(old_root)
        if path.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    # Empty directories go too, so a proxy rule for /media/ finds nothing at all.
    for path in sorted(old_root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(old_root.iterdir()):
        old_root.rmdir()


def private_names(apps, schema_editor):
    new_root = Path(settings.MEDIA_ROOT)
    _move_old_uploads(new_root)
    PostImage = apps.get_model("posts", "PostImage")
    for image in PostImage.objects.all().iterator():
        old_name = image.image.name
        suffix = SUFFIXES.get(PurePath(old_name).suffix.lower(), "")
        new_name = f"posts/{secrets.token_urlsafe(18)}{suffix}"
        source = new_root / old_name
        if old_name and source.is_file():
            (new_root / "posts").mkdir(parents=True, exist_ok=True)
            shutil.move(source, new_root / new_name)
            image.image = new_name
        image.original_name = PurePath(old_name).name[:255]
        image.key = secrets.token_urlsafe(16)
        image.save(update_fields=["image", "original_name", "key"])


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="postimage",
            name="key",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="postimage",
            name="original_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="file name"),
        ),
        migrations.AlterField(
            model_name="postimage",
            name="image",
            field=models.ImageField(
                upload_to=rathaus.posts.models.original_path, verbose_name="image"
            ),
        ),
        # Files can't be moved back: going back leaves them under their new names.
        migrations.RunPython(private_names, migrations.RunPython.noop),
        # The key becomes unique in 0003: on PostgreSQL a table's schema is not changed in
        # the transaction that just updated its rows.
    ]
