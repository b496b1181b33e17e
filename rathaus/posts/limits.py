"""Whether a post fits the channels it goes to: each channel's limits (length, images,
alt texts) against the text that channel would send. Submitting checks it, the post page
and the editor show it."""

from __future__ import annotations

from rathaus.delivery import channels, defaults
from rathaus.posts.models import Post


def limit_problems(post: Post) -> dict[str, list[str]]:
    """Per channel, by the name people know it by ("Xing: Bezirksamt Mitte", not a key),
    what breaks its limits (empty when the post fits everywhere)."""
    alt_texts = [image.alt_text for image in post.images.all()]
    found = {}
    link = post.office.public_url(post.get_absolute_url())
    restricted = defaults.chosen(post.office_id)
    for channel in channels.for_office(post.office):
        # A channel the post won't go to (Instagram without an image, a category the
        # office sends elsewhere, one the editor left out) can't hold it up.
        picked = post.channels
        if not channel.takes(post) or not defaults.reaches(
            post.category, channel.key, restricted, picked
        ):
            continue
        text = channel.text_for(post)
        sendable = channel.sendable(
            title=post.title, text=text, link=link, is_variant=text != post.body
        )
        problems = channel.limits.problems(text=sendable, title=post.title, alt_texts=alt_texts)
        if problems:
            found[channel.name] = problems
    return found
