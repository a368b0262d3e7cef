"""Which encoding and delimiter a CSV export uses, decided from its bytes.

Exports come as UTF-8 (with or without a BOM; Excel and HubSpot add one), UTF-16 with a BOM (Excel's
"Unicode text"), or Windows-1252 (older Excel, Salesforce in some locales). Binary files (spreadsheets,
PDFs, images) are refused with a message that says what to do."""

import codecs
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import MalformedFileError

CHUNK = 1 << 16
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "This is a spreadsheet or archive, not CSV: save it as CSV (comma or semicolon separated) first.",
    b"\xd0\xcf\x11\xe0": "This is an old Excel workbook, not CSV: save it as CSV first.",
    b"%PDF": "This is a PDF, not a CSV file.",
}


def sniff_encoding(path: Path) -> str:
    """The Python codec name that reads `path`, or MalformedFileError for an empty or binary file."""
    with open(path, "rb") as file:
        head = file.read(CHUNK)
    if not head.strip(b"\r\n\t \xef\xbb\xbf"):
        raise MalformedFileError("The file is empty.")
    for signature, message in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise MalformedFileError(message)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        if b"\x00" in head:
            raise MalformedFileError("This is not a text file (it contains binary data).")
        encoding = "utf-8-sig" if _decodes(path, "utf-8") else "cp1252"
    if not _decodes(path, encoding):
        raise MalformedFileError("This is not a text file: its bytes are neither UTF-8, UTF-16 nor Windows-1252.")
    return encoding


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as file:
        try:
            while chunk := file.read(CHUNK):
                if "\x00" in decoder.decode(chunk):
                    return False
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


@contextmanager
def open_text(path: Path, encoding: str) -> Iterator[io.TextIOBase]:
    """The file as text for the csv module (universal newlines left to it)."""
    with open(path, encoding=encoding, newline="") as text:
        yield text


def sniff_delimiter(path: Path, encoding: str, *, sample_lines: int = 30) -> str:
    """Comma, semicolon or tab: the one that splits the first lines into the most columns, the same
    number on most lines (quoted text is ignored when counting)."""
    lines = []
    with open_text(path, encoding) as text:
        for line in text:
            if line.strip():
                lines.append(line)
            if len(lines) >= sample_lines:
                break
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        counts = [_count_unquoted(line, delimiter) for line in lines]
        if not any(counts):
            continue
        most_common = max(set(counts), key=counts.count)
        score = (counts.count(most_common) if most_common else 0, most_common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _count_unquoted(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
