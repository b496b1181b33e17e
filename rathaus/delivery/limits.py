"""What a channel takes: characters (counted as the platform counts them), title, images and
alt texts, threads; and, for the editor, what in a text breaks those limits."""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.lib.graphemes import code_points


@dataclass(frozen=True)
class Limits:
    max_chars: int | None = None
    max_title_chars: int | None = None
    max_images: int | None = None
    alt_text_required: bool = True
    alt_text_max_chars: int | None = 1500
    # A longer text goes out as a thread of posts instead of being refused.
    threads: bool = False
    # Characters a link takes, whatever its length (X counts every URL as 23).
    link_chars: int | None = None
    # Video and albums: posts carry images only so far; media channels (YouTube, Flickr)
    # will say here what they take.
    max_videos: int | None = 0

    def count(self, text: str) -> int:
        """Characters as the channel counts them, always with a counter of
        ``lib.graphemes``: code points unless a platform says otherwise (Mastodon and
        Bluesky count graphemes, Telegram UTF-16 units, X weights emoji and scripts)."""
        return code_points(text)

    def problems(self, *, text: str, title: str, alt_texts: list[str]) -> list[str]:
        from django.utils.translation import gettext as _
        from django.utils.translation import ngettext

        found = []
        if self.max_chars is not None and not self.threads and self.count(text) > self.max_chars:
            found.append(
                _("Text has %(n)d characters, at most %(max)d are allowed.")
                % {"n": self.count(text), "max": self.max_chars}
            )
        if self.max_title_chars is not None and len(title) > self.max_title_chars:
            found.append(
                _("Title has %(n)d characters, at most %(max)d are allowed.")
                % {"n": len(title), "max": self.max_title_chars}
            )
        if self.max_images is not None and len(alt_texts) > self.max_images:
            found.append(
                ngettext(
                    "%(n)d image attached, at most %(max)d are allowed.",
                    "%(n)d images attached, at most %(max)d are allowed.",
                    len(alt_texts),
                )
                % {"n": len(alt_texts), "max": self.max_images}
            )
        if self.alt_text_required and any(not alt.strip() for alt in alt_texts):
            found.append(_("Every image needs an alt text."))
        if self.alt_text_max_chars and any(len(a) > self.alt_text_max_chars for a in alt_texts):
            found.append(
                _("An alt text is longer than %(max)d characters.")
                % {"max": self.alt_text_max_chars}
            )
        return found
