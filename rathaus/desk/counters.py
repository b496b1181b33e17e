"""Per-channel counters for the editor: how much of each channel's limits a text uses."""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.connectors import rendering
from rathaus.delivery import channels
from rathaus.offices.models import Office


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

    @property
    def ok(self) -> bool:
        return not self.problems


def count(
    office: Office,
    *,
    title: str,
    body: str,
    variants: dict[str, str],
    alt_texts: list[str],
    link: str,
) -> list[Counter]:
    """Counters for every channel of ``office``; a channel with a variant counts that text,
    as the channel will send it (``link``: the post's address on the newsroom)."""
    found = []
    for channel in channels.for_office(office):
        variant = (variants.get(channel.variant_key) or "").strip() if channel.variant_key else ""
        text = channel.sendable(
            title=title, text=variant or body, link=link, is_variant=bool(variant)
        )
        limits = channel.limits
        pieces = rendering.split(text, limits)
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
                problems=limits.problems(text=text, title=title, alt_texts=alt_texts),
                parts=pieces if text != (variant or body) else [],
            )
        )
    return found
