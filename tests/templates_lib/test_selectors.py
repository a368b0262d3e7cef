import pytest

from templates_lib.selectors import search_words


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("harbour one-pager", "harbour one pager"),
        ('"unterminated', "unterminated"),
        ("data\x00sheet", "data sheet"),
        ("title:x AND (y*)", "title x AND y"),
        ("ﬁeld café", "field café"),
        ('"*()', ""),
    ],
)
def test_a_search_keeps_only_its_words(query, words):
    assert search_words(query) == words
