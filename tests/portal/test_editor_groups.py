"""The editor's form grouped by the sections of the layout (portal/editor.py field_groups)."""

from portal.editor import EditorField, field_groups
from portal.presenters import EditorFieldRow


def _field(key, section, *, slot="chapter_body", lock_mode="free", value=""):
    return EditorField(
        key=key, label=key, help_text="", lock_mode=lock_mode, slot_type="text", value=value, slot=slot, section=section
    )


def test_rows_are_grouped_by_section_in_form_order():
    fields = [_field("cover", 0), _field("one", 1), _field("two", 1), _field("three", 2), _field("closing", 0)]

    groups = field_groups([EditorFieldRow(f) for f in fields], fields)

    assert [(g.section, [r.field.key for r in g.rows]) for g in groups] == [
        (0, ["cover"]),
        (1, ["one", "two"]),
        (2, ["three"]),
        (0, ["closing"]),
    ]


def test_a_section_is_titled_by_its_title_field_even_when_that_field_is_locked():
    title = _field("chapter1_title", 1, slot="chapter_title", lock_mode="locked", value="Forecasting")
    body = _field("chapter1_body", 1)

    groups = field_groups([EditorFieldRow(body)], [title, body])

    assert groups[0].title == "Section 1 · Forecasting"


def test_a_section_without_a_title_field_is_numbered():
    body = _field("chapter2_body", 2)

    assert field_groups([EditorFieldRow(body)], [body])[0].title == "Section 2"


def test_fields_after_the_sections_are_grouped_as_the_closing():
    fields = [_field("cover", 0), _field("one", 1), _field("closing", 0)]

    groups = field_groups([EditorFieldRow(f) for f in fields], fields)

    assert [g.title for g in groups] == ["", "Section 1", "Closing"]
