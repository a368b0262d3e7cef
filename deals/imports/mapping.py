"""Which column of a file feeds which deal field: the fields an import can fill, the presets shipped
for real CRM exports, and how a mapping is resolved against a file's header row."""

from collections.abc import Mapping, Sequence

# Deal fields an import fills, in the order the blank template and the mapping form show them.
FIELDS: dict[str, str] = {
    "external_id": "External id",
    "name": "Deal name",
    "account_name": "Account",
    "contact_name": "Contact name",
    "contact_email": "Contact email",
    "amount": "Amount",
    "currency": "Currency",
    "stage": "Stage",
    "close_date": "Close date",
    "owner": "Owner email",
    "segment": "Segment",
    "created": "Created",
}
REQUIRED_FIELDS = ("external_id", "name")
DATE_FIELDS = ("close_date", "created")

LASTMILE_TEMPLATE = dict(FIELDS.items())

SALESFORCE_EN = {
    "external_id": ["Opportunity ID", "Opportunity ID (18 characters)", "Id"],
    "name": ["Opportunity Name"],
    "account_name": ["Account Name"],
    "contact_name": ["Primary Contact", "Contact Name", "Contact: Full Name"],
    "contact_email": ["Contact Email", "Contact: Email", "Email"],
    "amount": ["Amount", "Amount (converted)"],
    "currency": ["Amount Currency", "Opportunity Currency", "Currency"],
    "stage": ["Stage"],
    "close_date": ["Close Date"],
    "owner": ["Opportunity Owner Email", "Owner Email", "Opportunity Owner: Email", "Opportunity Owner"],
    "segment": ["Type", "Industry"],
    "created": ["Created Date"],
}

SALESFORCE_DE = {
    "external_id": ["Opportunity-ID", "Opportunity ID", "Verkaufschancen-ID"],
    "name": ["Opportunity-Name", "Opportunity Name", "Name der Opportunity"],
    "account_name": ["Accountname", "Account-Name", "Account Name"],
    "contact_name": ["Hauptkontakt", "Kontaktname", "Kontakt: Vollständiger Name"],
    "contact_email": ["Kontakt: E-Mail", "Kontakt-E-Mail", "E-Mail"],
    "amount": ["Betrag", "Betrag (umgerechnet)"],
    "currency": ["Betrag Währung", "Opportunity-Währung", "Währung"],
    "stage": ["Phase"],
    "close_date": ["Schlusstermin", "Abschlussdatum"],
    "owner": ["Opportunity-Inhaber: E-Mail", "Opportunity-Inhaber E-Mail", "Opportunity-Inhaber"],
    "segment": ["Typ", "Branche"],
    "created": ["Erstellt am", "Erstelldatum", "Erstellungsdatum"],
}

HUBSPOT = {
    "external_id": ["Record ID", "Deal ID"],
    "name": ["Deal Name"],
    "account_name": ["Associated Company", "Company name"],
    "contact_name": ["Associated Contact"],
    "contact_email": ["Associated Contact Email"],
    "amount": ["Amount"],
    "currency": ["Currency", "Deal currency code"],
    "stage": ["Deal Stage"],
    "close_date": ["Close Date"],
    "owner": ["Deal owner email", "Deal owner"],
    "segment": ["Deal Type"],
    "created": ["Create Date"],
}

# (name, mapping, whether 15-character Salesforce ids become 18)
BUILTIN_PRESETS: list[tuple[str, dict, bool]] = [
    ("Salesforce opportunity report (English)", SALESFORCE_EN, True),
    ("Salesforce Opportunity-Bericht (Deutsch)", SALESFORCE_DE, True),
    ("HubSpot deals export", HUBSPOT, False),
    ("Lastmile template", LASTMILE_TEMPLATE, False),
]


def normalise_heading(heading: str) -> str:
    return " ".join(heading.replace("\ufeff", "").split()).casefold()


def known_headings() -> set[str]:
    """Every heading any shipped preset knows, normalised: how a report's header row is found."""
    headings = set()
    for _name, mapping, _ids in BUILTIN_PRESETS:
        for candidates in mapping.values():
            headings.update(normalise_heading(c) for c in ([candidates] if isinstance(candidates, str) else candidates))
    return headings


def resolve_mapping(mapping: Mapping[str, str | Sequence[str]], header: Sequence[str]) -> dict[str, int]:
    """Deal field → index of its column in `header`: for each field, the first of its headings the
    file has (compared without case or extra spaces). Fields without a column are left out."""
    positions = {}
    for index, heading in enumerate(header):
        positions.setdefault(normalise_heading(heading), index)
    columns = {}
    for field, candidates in mapping.items():
        if field not in FIELDS:
            continue
        for candidate in [candidates] if isinstance(candidates, str) else candidates:
            if (index := positions.get(normalise_heading(candidate))) is not None:
                columns[field] = index
                break
    return columns


def missing_required(columns: Mapping[str, int]) -> list[str]:
    return [FIELDS[field] for field in REQUIRED_FIELDS if field not in columns]


def mapping_from_columns(columns: Mapping[str, int], header: Sequence[str]) -> dict[str, str]:
    """A mapping to save as a preset: each field → the heading it was read from."""
    return {field: header[index] for field, index in columns.items()}
