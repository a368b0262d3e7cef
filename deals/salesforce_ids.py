"""Salesforce record ids: report exports carry the 15-character, case-sensitive form; the API uses
18 characters (the same 15 plus a 3-character checksum of their letter case). Deals are keyed by the
18-character form so a CSV import and a later API sync meet on the same deal."""

import re

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_15 = re.compile(r"^[A-Za-z0-9]{15}$")
_ID_18 = re.compile(r"^[A-Za-z0-9]{18}$")


def checksum_suffix(id_15: str) -> str:
    """The three characters Salesforce appends: for each block of five characters, a bit per
    uppercase letter (first character = lowest bit), read as an index into A–Z0–5."""
    suffix = ""
    for start in (0, 5, 10):
        block = id_15[start : start + 5]
        index = sum(1 << position for position, char in enumerate(block) if "A" <= char <= "Z")
        suffix += _SUFFIX_ALPHABET[index]
    return suffix


def is_salesforce_id(value: str) -> bool:
    return bool(_ID_15.match(value) or _ID_18.match(value))


def salesforce_id_18(value: str) -> str:
    """`value` as an 18-character id: a 15-character id gains its checksum suffix. An 18-character
    id is already the API's form and is kept exactly as given; anything else is returned unchanged."""
    value = value.strip()
    if _ID_15.match(value):
        return value + checksum_suffix(value)
    return value
