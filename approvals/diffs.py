"""Readable differences between two values of a document field, for the review screen and the
audit trail: values as a reader sees them, and a word-by-word diff."""

import difflib
import html
import re
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
