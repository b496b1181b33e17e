"""Markdown subset → sanitised HTML.

markdown-it-py parses CommonMark with raw HTML switched off; nh3 (ammonia) then keeps only
an allow-list of tags, attributes and URL schemes, so even a parser bug cannot let a script
through. Images are not part of the subset: they are attached with required alt text.
"""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_parser.disable("image")


def _shift_headings(html: str) -> str:
    # The page title is the only <h1>; a "# heading" in the body becomes <h2>.
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


def render(markdown: str) -> str:
    html = _shift_headings(_parser.render(markdown or ""))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(markdown: str) -> str:
    """The text a reader sees, without markup: for feeds' summaries and search. Entities
    are decoded ("&" not "&amp;"): whoever shows it as HTML escapes it once."""
    return html.unescape(nh3.clean(render(markdown), tags=set())).strip()
