import pytest

from templates_lib.field_locks import LockMode, allowed_tags, field_config_problems, ignored_keys, is_user_editable
from templates_lib.layouts import SlotType


def problems(**overrides):
    config = {
        "slot_type": SlotType.TEXT,
        "lock_mode": LockMode.FREE,
        "has_default": True,
        "variant_count": 0,
        "has_collection": False,
        "allow_upload": False,
        "token_source": "",
        "token_slot_types": None,
        "max_chars": 80,
        "has_formatting": False,
    }
    config.update(overrides)
    return field_config_problems(**config)


@pytest.mark.parametrize(
    ("mode", "editable"),
    [("locked", False), ("token", False), ("choice", True), ("free", True), ("image", True)],
)
def test_only_choice_free_and_image_fields_take_user_values(mode, editable):
    assert is_user_editable(mode) is editable


def test_submitted_keys_outside_the_editable_fields_are_ignored_in_sorted_order():
    assert ignored_keys({"body"}, {"zeta": 1, "body": 2, "alpha": 3}) == ["alpha", "zeta"]


def test_a_valid_free_text_field_has_no_problems():
    assert problems() == []


def test_a_free_field_needs_a_character_limit():
    assert problems(max_chars=None) == ["A free field needs a maximum number of characters."]


def test_a_contact_slot_cannot_be_free_text():
    assert problems(slot_type=SlotType.CONTACT) == ["A contact block slot can be locked, token, not free."]


def test_a_choice_needs_variants():
    assert problems(lock_mode=LockMode.CHOICE, variant_count=0) == ["A choice field needs at least one variant."]


def test_an_image_choice_needs_a_collection():
    assert problems(slot_type=SlotType.IMAGE, lock_mode=LockMode.CHOICE) == [
        "An image choice needs the collection its images come from."
    ]


def test_a_token_must_suit_the_slot_type():
    assert problems(
        lock_mode=LockMode.TOKEN, token_source="user.photo", token_slot_types=frozenset({SlotType.IMAGE})
    ) == ["The token 'user.photo' cannot fill a text slot."]


def test_a_locked_field_needs_content():
    assert problems(lock_mode=LockMode.LOCKED, has_default=False) == [
        "A locked field needs its content (default text or image)."
    ]


def test_formatting_applies_only_to_free_rich_text():
    assert problems(has_formatting=True) == ["Formatting options apply only to free rich-text fields."]


def test_bold_allows_strong_and_b_on_top_of_paragraphs():
    assert allowed_tags(["bold"]) == {"p", "br", "strong", "b"}
