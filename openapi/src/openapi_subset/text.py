"""Prose clean-up: vendor descriptions carry HTML and run to pages; tools want short plain text."""

from __future__ import annotations

from html.parser import HTMLParser

_ELLIPSIS = "…"


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs turns &amp; and friends into characters as data arrives.
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Block tags and <br> separate words; without a space "a<br>b" would read "ab".
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")


def strip_html(text: str) -> str:
    """Return the visible text of an HTML fragment with whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    return collapse_whitespace("".join(collector.parts))


def collapse_whitespace(text: str) -> str:
    """Join all runs of whitespace (including the vendor's CR LF) into single spaces."""
    return " ".join(text.split())


def cap_length(text: str, limit: int) -> str:
    """Shorten to at most `limit` characters, cutting at a word boundary and marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_ELLIPSIS)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + _ELLIPSIS
