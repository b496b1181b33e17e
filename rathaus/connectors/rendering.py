"""A post as plain text for a platform: Markdown flattened (links keep their address), the
link to the original on the newsroom appended, and split into a numbered thread where the
platform's limit is shorter than the text."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import nh3

from rathaus.delivery.channels import Limits
from rathaus.lib import richtext

if TYPE_CHECKING:
    from rathaus.connectors.base import Image, Part
    from rathaus.posts.models import Post

# Room kept in every part of a thread for " (12/12)".
NUMBERING = " ({index}/{total})"
MAX_PARTS = 25


def plain(markdown: str) -> str:
    """Markdown as the plain text platforms show: paragraphs, list dashes, and links as
    "text (address)" unless the text is the address."""
    rendered = richtext.render(markdown)

    def link(match: re.Match) -> str:
        href, text = html.unescape(match.group(1)), match.group(2)
        label = html.unescape(nh3.clean(text, tags=set()))
        return label if label.strip() in (href, href.rstrip("/")) else f"{label} ({href})"

    text = re.sub(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', link, rendered, flags=re.S)
    text = re.sub(r"<li[^>]*>", "– ", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</(p|li|h\d|blockquote)>", "\n\n", text)
    text = html.unescape(nh3.clean(text, tags=set()))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines()))
    return re.sub(r"(– [^\n]*)\n\n(?=– )", r"\1\n", text).strip()


def language(post: Post) -> str:
    """The post's language as platforms take it: the primary subtag, lower case."""
    return (post.language or "").split("-")[0].lower()


def original_link(post: Post) -> str:
    return post.office.public_url(post.get_absolute_url())


def compose(*, title: str, text: str, link: str, is_variant: bool) -> str:
    """The whole text for a platform: the variant as written, else title and body; with
    the link to the original unless the text carries it already."""
    body = plain(text)
    if not is_variant and title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    return body if link in body else f"{body}\n\n{link}"


def split(text: str, limits: Limits) -> list[str]:
    """``text`` in pieces that fit ``limits`` (numbered when more than one), cut between
    words (only a word longer than a whole piece is cut inside); one piece when the
    platform has no limit or no threads."""
    if limits.max_chars is None or limits.count(text) <= limits.max_chars:
        return [text]
    if not limits.threads:
        return [text]  # the editor was told it is too long; the platform will refuse it
    room = limits.max_chars - len(NUMBERING.format(index=MAX_PARTS, total=MAX_PARTS))
    pieces: list[str] = []
    current = ""
    for word in _units(text):
        candidate = f"{current}{word}"
        if current and limits.count(candidate.strip()) > room:
            pieces.append(current.strip())
            current = word.lstrip()
        else:
            current = candidate
        while limits.count(current.strip()) > room:  # one unit longer than a whole part
            cut = _longest_prefix(current, room, limits)
            pieces.append(current[:cut].strip())
            current = current[cut:]
    if current.strip():
        pieces.append(current.strip())
    total = len(pieces)
    return [p + NUMBERING.format(index=i, total=total) for i, p in enumerate(pieces, 1)]


def _units(text: str) -> list[str]:
    # Words with the space after them, so that paragraph breaks survive inside a piece.
    return re.findall(r"\S+\s*", text)


def _longest_prefix(text: str, room: int, limits: Limits) -> int:
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if limits.count(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def parts(post: Post, text: str, limits: Limits, *, images: tuple[Image, ...]) -> list[Part]:
    from rathaus.connectors.base import Part

    link = original_link(post)
    pieces = split(
        compose(title=post.title, text=text, link=link, is_variant=text != post.body), limits
    )
    first_images = images[: limits.max_images] if limits.max_images is not None else images
    return [
        Part(
            text=piece,
            images=first_images if index == 0 else (),
            index=index,
            total=len(pieces),
            link=link,
            title=post.title,
            language=language(post),
        )
        for index, piece in enumerate(pieces)
    ]
