"""Per-channel counters for the editor: how much of each channel's limits a text uses."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rathaus.connectors import rendering
from rathaus.delivery import channels, defaults
from rathaus.offices.models import Office
from rathaus.posts import content


@dataclass(frozen=True)
class Counter:
    key: str
    name: str
    chars: int
    max_chars: int | None
    title_chars: int
    max_title_chars: int | None
    images: int
    max_images: int | None
    missing_alt: int
    problems: list[str]
    # The text as it goes out, in parts where the channel makes a thread of it; empty when
    # the channel sends the text as written.
    parts: list[str]
    # Whether the post goes to this channel (the editor's choice or the category's
    # defaults): a channel left out holds nothing up.
    chosen: bool = True
    # What to do about the problems, in the editor's words; empty when there are none.
    fix: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems or not self.chosen

    @property
    def refusal(self) -> str:
        """Why the editor stops a save: the channel by its name, what breaks, the fix."""
        return f"{self.name}: {' '.join(self.problems)} {self.fix}"


def count(
    office: Office,
    *,
    title: str,
    body: str,
    variants: dict[str, str],
    alt_texts: list[str],
    link: str,
    goes_to: set[str] | None = None,
) -> list[Counter]:
    """Counters for every channel of ``office``; a channel with a variant counts that text,
    as the channel will send it (``link``: the post's address on the newsroom, as it will
    be once saved; ``goes_to``: the keys of the channels the post goes to, None: all).
    Line breaks count as ``\n``, as they are saved."""
    title, body = content.plain_lines(title), content.plain_lines(body)
    variants = {key: content.plain_lines(text or "") for key, text in variants.items()}
    found = []
    for channel in channels.for_office(office):
        variant = (variants.get(channel.variant_key) or "").strip() if channel.variant_key else ""
        text = channel.sendable(
            title=title, text=variant or body, link=link, is_variant=bool(variant)
        )
        limits = channel.limits
        pieces = rendering.split(text, limits)
        problems = limits.problems(text=text, title=title, alt_texts=alt_texts)
        found.append(
            Counter(
                key=channel.key,
                name=str(channel.name),
                chars=limits.count(text),
                max_chars=limits.max_chars,
                title_chars=len(title),
                max_title_chars=limits.max_title_chars,
                images=len(alt_texts),
                max_images=limits.max_images,
                missing_alt=sum(1 for alt in alt_texts if not alt.strip()),
                problems=problems,
                parts=pieces if text != (variant or body) else [],
                chosen=goes_to is None or channel.key in goes_to,
                fix=_fix(channel) if problems else "",
            )
        )
    return found


def _fix(channel: channels.Channel) -> str:
    if channel.key == defaults.ALWAYS or not channel.variant_key:
        return _("Shorten the text.")
    return _(
        "Write a shorter text for %(platform)s under “Texts per channel”, or leave "
        "%(channel)s out of this post under “Channels”."
    ) % {"platform": channel.variant_label, "channel": channel.name}
