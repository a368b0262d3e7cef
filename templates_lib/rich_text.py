"""Rich-text sanitising: exactly the tags a field allows, links only to safe schemes."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from .field_locks import SAFE_LINK_SCHEMES, allowed_tags


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "a":
            self.hrefs.extend(value or "" for name, value in attrs if name == "href")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def inspect_markup(html: str) -> _TagCollector:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector


def is_safe_link(href: str) -> bool:
    scheme = urlsplit(href.strip()).scheme.lower()
    return scheme in SAFE_LINK_SCHEMES


def sanitise_rich_text(html: str, formatting: list[str]) -> str:
    """Keep only the allowed tags; links keep only an https/mailto/tel href."""
    tags = allowed_tags(formatting)
    return nh3.clean(
        html,
        tags=set(tags),
        attributes={"a": {"href"}} if "a" in tags else {},
        url_schemes=set(SAFE_LINK_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def rich_text_plain(html: str) -> str:
    return "".join(inspect_markup(html).text)
