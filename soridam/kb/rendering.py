"""Markdown to safe HTML: markdown-it renders, nh3 keeps only the tags an article needs."""

from __future__ import annotations

from functools import cache
from html import unescape

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


@cache
def _parser() -> MarkdownIt:
    # Raw HTML in the source is escaped, not passed through; nh3 still cleans what Markdown itself makes
    # (a javascript: link, for one).
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str) -> str:
    html = _parser().render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(source: str) -> str:
    """The article as text, for the index and for "insert text" into a reply."""
    return unescape(nh3.clean(_parser().render(source), tags=set())).strip()
