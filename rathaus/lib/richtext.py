"""Markdown subset → sanitised HTML.

markdown-it-py parses CommonMark with raw HTML switched off; nh3 (ammonia) then keeps only
an allow-list of tags, attributes and URL schemes, so even a parser bug cannot let a script
through. Images are not part of the subset: they are attached with required alt text.

Plain web addresses in the text become links (``plain_links``): editors paste them, and
readers of the newsroom, the feeds and the newsletter should not have to copy them.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from rathaus.lib.weburls import is_web_url

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

# An address starts with http(s):// not glued to a word, and runs to a space, an angle
# bracket or a quote (straight or typographic, as German text puts „https://…“ in quotes).
_PLAIN_URL = re.compile(r"(?<![\w/@])https?://[^\s<>\"'`„“”‘’«»‹›]+", re.IGNORECASE)
# Punctuation that ends the sentence, not the address: "Siehe https://x.example/a."
_TRAILING = ".,;:!?*_~"


def _trim(url: str) -> str:
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] in ")]}" and url.count(url[-1]) > url.count(
            {")": "(", "]": "[", "}": "{"}[url[-1]]
        ):
            url = url[:-1]  # "(mehr: https://x.example/a)"; Wikipedia's "Foo_(Bar)" stays
        else:
            return url
    return url


def _split(text: str, level: int) -> list[Token] | None:
    """``text`` as text and link tokens, or None when it holds no web address."""
    tokens: list[Token] = []
    position = 0
    for match in _PLAIN_URL.finditer(text):
        url = _trim(match.group())
        if not is_web_url(url):  # the one check every outside address passes
            continue
        if match.start() > position:
            tokens.append(_text(text[position : match.start()], level))
        opening = Token("link_open", "a", 1, attrs={"href": url}, markup="linkify", level=level)
        tokens += [opening, _text(url, level + 1), Token("link_close", "a", -1, level=level)]
        position = match.start() + len(url)
    if not tokens:
        return None
    if position < len(text):
        tokens.append(_text(text[position:], level))
    return tokens


def _text(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


def plain_links(state: StateCore) -> None:
    """Core rule: web addresses in text outside links and code become links; a Markdown
    link or an <autolink> is left as written, so no address is linked twice."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            elif token.type == "text" and not inside_link and "://" in token.content:
                found = _split(token.content, token.level)
                if found is not None:
                    children += found
                    continue
            children.append(token)
        block.children = children


_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_parser.disable("image")
# After text_join, so that each run of text is one token (markdown-it splits it at ":").
_parser.core.ruler.push("plain_links", plain_links)


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


_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|li|h\d|blockquote|pre|tr|td|th)>", re.IGNORECASE)


def excerpt(rendered: str) -> str:
    """Rendered HTML (:func:`render`) as one line of plain text for a teaser: each list
    item starts with a dash, so that "Gesperrt: – Hauptstraße – Marktplatz" does not read
    as "Gesperrt: Hauptstraße Marktplatz"; blocks are apart by a space."""
    text = _LIST_ITEM.sub("\\g<0>– ", rendered or "")
    text = _BLOCK_END.sub("\\g<0> ", text)
    return " ".join(html.unescape(nh3.clean(text, tags=set())).split())
