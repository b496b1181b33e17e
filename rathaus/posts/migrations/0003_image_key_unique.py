import rathaus.posts.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0002_private_image_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="postimage",
            name="key",
            field=models.CharField(
                default=rathaus.posts.models.image_key,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
