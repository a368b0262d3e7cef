import pytest

from deals.salesforce_ids import checksum_suffix, salesforce_id_18


@pytest.mark.parametrize(
    ("id_15", "id_18"),
    [
        ("001A0000006Vm9r", "001A0000006Vm9rIAC"),  # the example in Salesforce's own documentation
        ("000000000000000", "000000000000000AAA"),  # no capitals: every block indexes "A"
        ("AAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAA555"),  # all capitals: 31 = "5" in every block
        ("a0B5e00000abcDE", "a0B5e00000abcDEEAY"),
    ],
)
def test_a_15_character_id_gets_its_checksum_suffix(id_15, id_18):
    assert salesforce_id_18(id_15) == id_18


def test_case_matters_in_the_suffix():
    assert checksum_suffix("001a0000006vm9r") != checksum_suffix("001A0000006Vm9r")


def test_an_18_character_id_is_kept_as_given():
    assert salesforce_id_18("006HXpDGAnKkGZqBE6") == "006HXpDGAnKkGZqBE6"


@pytest.mark.parametrize("value", ["18973088612", "abc", "0061-000000000X", ""])
def test_other_ids_are_left_alone(value):
    assert salesforce_id_18(value) == value
