"""Rich text: how much markup a field may carry, sanitising to exactly the tags it allows (links
only to safe schemes), and the plain text a reader sees.

Rich-text fields count only visible characters against their limit, so markup would be free: tens
of kilobytes of empty, stray or deeply nested tags cost the layout engine seconds to hours. So raw
markup is bounded by size, number of tags and nesting depth before anything else looks at it
(`markup_problems`), and sanitising drops elements left empty.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from .field_locks import SAFE_LINK_SCHEMES, allowed_tags

# Elements that never have content: they do not open a level of nesting.
VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "input", "meta", "link", "area", "base", "col", "source"})
# An element with nothing but whitespace in it (after sanitising, markup is well formed).
EMPTY_ELEMENT = re.compile(r"<(?P<tag>[a-z][a-z0-9]*)(?:\s[^<>]*)?>\s*</(?P=tag)>")


@dataclass(frozen=True)
class MarkupLimits:
    max_bytes: int
    max_tags: int
    max_depth: int


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.tag_count = 0
        self.depth = 0
        self.max_depth = 0
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.tag_count += 1
        if tag == "a":
            self.hrefs.extend(value or "" for name, value in attrs if name == "href")
        if tag not in VOID_TAGS:
            self._open.append(tag)
            self.max_depth = max(self.max_depth, len(self._open))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.tag_count += 1
        if tag == "a":
            self.hrefs.extend(value or "" for name, value in attrs if name == "href")

    def handle_endtag(self, tag: str) -> None:
        self.tag_count += 1
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@dataclass
class MarkupReport:
    """What `inspect_markup` found."""

    tags: set[str] = field(default_factory=set)
    hrefs: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    tag_count: int = 0
    max_depth: int = 0


def inspect_markup(html: str) -> MarkupReport:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return MarkupReport(
        tags=collector.tags,
        hrefs=collector.hrefs,
        text=collector.text,
        tag_count=collector.tag_count,
        max_depth=collector.max_depth,
    )


def markup_problems(html: str, limits: MarkupLimits) -> list[str]:
    """Why `html` carries more markup than a field may (an empty list when it does not): too many
    bytes (checked before parsing), too many tags, or tags nested too deeply."""
    size = len(html.encode())
    if size > limits.max_bytes:
        return [
            f"This text is too long: {size / 1024:.0f} KB with its formatting; "
            f"the limit is {limits.max_bytes / 1024:.0f} KB."
        ]
    report = inspect_markup(html)
    problems = []
    if report.tag_count > limits.max_tags:
        problems.append(f"This text has too much formatting: {report.tag_count} tags; the limit is {limits.max_tags}.")
    if report.max_depth > limits.max_depth:
        problems.append(
            f"Formatting is nested too deeply here: {report.max_depth} levels; the limit is {limits.max_depth}."
        )
    return problems


def is_safe_link(href: str) -> bool:
    scheme = urlsplit(href.strip()).scheme.lower()
    return scheme in SAFE_LINK_SCHEMES


def drop_empty_elements(html: str) -> str:
    """Remove elements with nothing in them (an empty paragraph, bold around nothing), innermost
    first, until none is left. `html` must be well formed (sanitised)."""
    while True:
        emptier = EMPTY_ELEMENT.sub("", html)
        if emptier == html:
            return html
        html = emptier


def sanitise_rich_text(html: str, formatting: list[str]) -> str:
    """Keep only the allowed tags and drop elements left empty; links keep only an
    https/mailto/tel href."""
    tags = allowed_tags(formatting)
    cleaned = nh3.clean(
        html,
        tags=set(tags),
        attributes={"a": {"href"}} if "a" in tags else {},
        url_schemes=set(SAFE_LINK_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return drop_empty_elements(cleaned)


def rich_text_plain(html: str) -> str:
    return "".join(inspect_markup(html).text)
