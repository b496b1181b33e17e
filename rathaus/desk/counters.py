"""Per-channel counters for the editor: how much of each channel's limits a text uses."""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def ok(self) -> bool:
        return not self.problems


def count(
    office: Office, *, title: str, body: str, variants: dict[str, str], alt_texts: list[str]
) -> list[Counter]:
    """Counters for every channel of ``office``; a channel with a variant counts that text."""
    found = []
    for channel in channels.for_office(office):
        text = (variants.get(channel.key) or "").strip() if channel.has_variant else ""
        text = text or body
        limits = channel.limits
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
            )
        )
    return found
