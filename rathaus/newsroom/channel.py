"""The office's own newsroom as a channel: the original that every other channel copies."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rathaus.delivery.channels import Attempt, Channel, Limits, Sent
from rathaus.posts import images


class NewsroomChannel(Channel):
    key = "newsroom"
    name = _("Newsroom")
    limits = Limits(max_chars=100_000, max_title_chars=200, max_images=20)
    variant_key = None  # the newsroom shows the main text: it is the original

    def publish(self, attempt: Attempt) -> Sent:
        # The page is live as soon as the post's status is public; the row records it.
        # Here, in the worker, the images' public JPEGs are made once: the newsroom only
        # ever sends these files, so no public request decodes an image.
        post = attempt.post
        images.render_post(post.pk)
        return Sent(remote_id=str(post.pk), url=attempt.public_url(post.get_absolute_url()))

    def update(self, attempt: Attempt) -> Sent:
        return self.publish(attempt)

    def withdraw(self, attempt: Attempt) -> None:
        # The post's page and its images' addresses now answer 410 Gone; the public copies
        # of the images go (the originals stay on the desk).
        images.forget_renditions(attempt.post)
