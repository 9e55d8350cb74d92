"""Plain text from HTML mail: the text part of messages that only have HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "tr",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
        "hr",
        "section",
        "article",
    ]
)
_SKIP = frozenset(("script", "style", "head", "title"))


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.chunks.append("\n")
        if tag == "blockquote":
            self.quote_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n")
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = re.sub(r"[ \t\r\n\xa0]+", " ", data)
        if self.quote_depth and text.strip():
            # Keep quoted HTML recognisable as a quote for reply extraction.
            text = "\n".join("> " * self.quote_depth + line for line in text.split("\n"))
        self.chunks.append(text)


def html_to_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = [line.strip() for line in "".join(collector.chunks).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def image_placeholders(html: str) -> str:
    """``[image: name]`` per picture, for HTML that holds pictures and no words: the body is never blank."""
    lines = []
    for tag in _IMAGE.findall(html):
        values = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTRIBUTE.finditer(tag)}
        name = values.get("alt", "").strip() or values.get("src", "").removeprefix("cid:").rsplit("/", 1)[-1]
        lines.append(f"[image: {name[:100]}]" if name else "[image]")
    return "\n".join(lines)
