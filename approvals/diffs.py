"""Readable differences between two values of a document field, for the review screen and the
audit trail: values as a reader sees them, and a word-by-word diff."""

import difflib
import html
import re
from html.parser import HTMLParser
from typing import Any

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
BLOCK_END = re.compile(r"</(p|li|h[1-6]|div)>|<br\s*/?>", re.IGNORECASE)
LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
# Formatting a reader sees, kept visible in plain text so a reviewer sees a changed link target
# or emphasis: a link as "text (address)", bold as **text**, italic as _text_.
LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
BOLD = re.compile(r"<(strong|b)\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
ITALIC = re.compile(r"<(em|i)\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)


def plain_text(value: Any, *, rich: bool | None = None) -> str:
    """What a reader sees of a value: rich text without its markup (links, bold and italic kept
    visible), one paragraph or list item per line; lists one item per line. `rich=None` treats
    text with markup as rich text."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value)
    text = str(value)
    if rich or (rich is None and "<" in text):
        text = LINK.sub(r"\2 (\1)", text)
        text = BOLD.sub(r"**\2**", text)
        text = ITALIC.sub(r"_\2_", text)
        text = LIST_ITEM.sub("• ", text)
        text = BLOCK_END.sub("\n", text)
        text = html.unescape(strip_tags(text))
        text = "\n".join(line.strip() for line in text.split("\n"))
    return text.strip()


def word_diff_segments(before: str, after: str) -> list[tuple[str, str]]:
    """`before` → `after` word by word, whitespace kept: ("equal" | "delete" | "insert", text)."""
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(new[j1:j2])))
    return segments


def word_diff(before: str, after: str) -> SafeString:
    """The diff as HTML, every piece escaped: removed words in <del>, added in <ins>."""
    tags = {"delete": "del", "insert": "ins"}
    parts = [
        f"<{tags[kind]}>{escape(text)}</{tags[kind]}>" if kind in tags else escape(text)
        for kind, text in word_diff_segments(before, after)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


# --- Formatted text: what a reader sees, with its formatting, built from our own markup only ------

STRONG, EMPHASIS, LINK_TEXT, LINK_ADDRESS = "strong", "em", "link", "href"
STYLE_TAGS = {
    STRONG: ("<strong>", "</strong>"),
    EMPHASIS: ("<em>", "</em>"),
    LINK_TEXT: ('<span class="lm-link">', "</span>"),
    LINK_ADDRESS: ('<span class="lm-href">', "</span>"),
}
STYLE_ORDER = (LINK_ADDRESS, LINK_TEXT, STRONG, EMPHASIS)
OPENING_STYLES = {"strong": STRONG, "b": STRONG, "em": EMPHASIS, "i": EMPHASIS, "a": LINK_TEXT}
HIDDEN_TAGS = frozenset({"script", "style", "template"})
BLOCK_TAGS = frozenset({"p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})

Token = tuple[str, frozenset[str]]


class _FormattedText(HTMLParser):
    """Rich text as tokens (a word, a space or a mark) with the styles a reader sees on them.
    Unknown tags are dropped; a link's address follows its text, so a changed target shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []
        self.styles: list[str] = []
        self.hrefs: list[str] = []
        self.hidden = 0  # inside <script> or <style>: not text a reader sees

    def _add(self, text: str, styles: frozenset[str] | None = None) -> None:
        style = frozenset(self.styles) if styles is None else styles
        self.tokens.extend((token, style) for token in TOKENS.findall(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag in OPENING_STYLES:
            self.styles.append(OPENING_STYLES[tag])
            if tag == "a":
                self.hrefs.append(next((value or "" for name, value in attrs if name == "href"), ""))
        elif tag == "br":
            self._add("\n", frozenset())
        elif tag == "li":
            self._add("\n• ", frozenset())
        elif tag in BLOCK_TAGS:
            self._add("\n", frozenset())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._add("\n", frozenset())

    def handle_endtag(self, tag: str) -> None:
        style = OPENING_STYLES.get(tag)
        if tag in HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif style and style in self.styles:
            index = len(self.styles) - 1 - self.styles[::-1].index(style)
            del self.styles[index]
            if tag == "a" and self.hrefs:
                href = self.hrefs.pop()
                if href:
                    self._add(" ", frozenset())
                    self._add(f"({href})", frozenset({LINK_ADDRESS}))
        elif tag in BLOCK_TAGS:
            self._add("\n", frozenset())

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self._add(" ".join(data.split("\n")))


def _tidy(tokens: list[Token]) -> list[Token]:
    """One line break between blocks, no spaces at the start of a line, nothing at either end."""
    tidy: list[Token] = []
    for text, style in tokens:
        is_space = not text.strip()
        if is_space and "\n" in text:
            while tidy and not tidy[-1][0].strip():
                tidy.pop()
            if tidy:
                tidy.append(("\n", frozenset()))
        elif is_space and (not tidy or tidy[-1][0] == "\n" or not tidy[-1][0].strip()):
            continue
        else:
            tidy.append((text, style))
    while tidy and not tidy[-1][0].strip():
        tidy.pop()
    return tidy


def formatted_tokens(value: Any, *, rich: bool | None = None) -> list[Token]:
    """`value` as a reader sees it, token by token with its styles (bold, italic, link text, link
    address); plain text has no styles; a list has one item per line."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        value = "\n".join(str(item) for item in value)
    text = str(value)
    if rich or (rich is None and "<" in text):
        parser = _FormattedText()
        parser.feed(text)
        parser.close()
        return _tidy(parser.tokens)
    return _tidy([(token, frozenset()) for token in TOKENS.findall(text)])


def _render(tokens: list[Token]) -> str:
    """Escaped text in our own tags only: consecutive tokens of one style share one tag."""
    parts: list[str] = []
    run: list[str] = []
    run_style: frozenset[str] = frozenset()

    def flush() -> None:
        if not run:
            return
        text = escape("".join(run))
        for style in reversed([s for s in STYLE_ORDER if s in run_style]):
            opening, closing = STYLE_TAGS[style]
            text = f"{opening}{text}{closing}"
        parts.append(text)
        run.clear()

    for text, style in tokens:
        if style != run_style:
            flush()
            run_style = style
        run.append(text)
    flush()
    return "".join(parts)


def formatted_html(value: Any, *, rich: bool | None = None) -> SafeString:
    """`value` with its formatting rendered (bold, italic, links with their address shown, one
    paragraph or list item per line): built from escaped text and our own tags, never the
    value's markup. Show it with `white-space: pre-wrap`."""
    return mark_safe(_render(formatted_tokens(value, rich=rich)))  # noqa: S308 - _render escapes every token


def formatted_diff(before: Any, after: Any, *, rich: bool | None = None) -> SafeString:
    """`before` → `after` word by word with formatting rendered: a word whose text or style
    changed is removed (<del>) and added (<ins>). Every piece is escaped."""
    old, new = formatted_tokens(before, rich=rich), formatted_tokens(after, rich=rich)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(_render(old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{_render(old[i1:i2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{_render(new[j1:j2])}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - _render escapes every token


def formatted_text_equal(before: Any, after: Any, *, rich: bool | None = None) -> bool:
    """Whether a reader sees the same words with the same formatting."""
    return formatted_tokens(before, rich=rich) == formatted_tokens(after, rich=rich)
