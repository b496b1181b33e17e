"""Background jobs of posts. They take ids only and return quietly when a row is gone."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def render_images(post_id: int) -> int:
    """The public JPEGs of a public post's images that are still missing."""
    from rathaus.posts import images

    return images.render_post(post_id)
