"""The company's stage vocabulary applied to what a source says: outcome comes from the mapping of
the source's stage label or id to a company stage, never from guessing at the label."""

from ..models import Connection, Outcome, Stage, StageMapping


def stage_for(connection: Connection | None, value: str) -> Stage | None:
    """The company stage `connection` means by `value` (its label or id, matched exactly after
    trimming), or None when it is not mapped. Without a connection (deals typed in the portal or
    imported without one) the value is the company stage's own name."""
    value = (value or "").strip()
    if not value:
        return None
    if connection is None:
        return Stage.objects.filter(name=value).first()
    mapping = StageMapping.objects.select_related("stage").filter(connection=connection, value=value).first()
    return mapping.stage if mapping else None


def outcome_for(stage: Stage | None) -> str:
    """A deal's outcome: its stage's category; open while it has no stage."""
    return stage.category if stage is not None else Outcome.OPEN
