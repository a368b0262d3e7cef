"""Selectors of templates_lib: which images a user may pick for a field (one selector, asked by the
validation service and the editor's picker alike), and the words a library search passes on."""

from django.conf import settings

import pytest

from brand.models import UploadReview
from templates_lib.selectors import images_for_field, search_words
from templates_lib.services.validation import document_values_clean
from templates_lib.tokens import TokenContext

from ..factories.accounts import UserFactory
from ..factories.brand import ImageFactory, collection
from ..factories.templates_lib import default_fields, make_template


@pytest.fixture
def upload_template(db, brand_kit):
    fields = default_fields()
    for spec in fields:
        if spec["key"] == "side_image":
            spec["allow_upload"] = True
    return make_template(title="Uploadable", fields=fields)


def _side_image(template):
    return next(tf for tf in template.field_list() if tf.key == "side_image")


def test_a_field_offers_its_collection_and_the_users_own_uploads(upload_template, rep):
    field = _side_image(upload_template)
    library = ImageFactory(collection=field.collection)
    mine = ImageFactory(collection=collection("Anywhere"), uploaded_by_user=rep, review_state=UploadReview.PENDING)
    ImageFactory(collection=collection("Anywhere"), uploaded_by_user=UserFactory(), review_state=UploadReview.PENDING)

    images = set(images_for_field(field, rep))

    assert images == {library, mine}


def test_a_library_image_in_a_collection_named_like_the_uploads_is_not_an_upload(upload_template, rep):
    field = _side_image(upload_template)
    lookalike = ImageFactory(collection=collection(settings.LASTMILE_UPLOAD_COLLECTION), uploaded_by_user=rep)

    result = document_values_clean(
        template=upload_template,
        submitted={"side_image": str(lookalike.pk)},
        token_context=TokenContext(user=rep),
        check_fit=False,
    )

    assert lookalike not in images_for_field(field, rep)
    assert result.errors["side_image"] == ["Choose an image from the approved collection for Side image."]


def test_uploads_are_not_offered_where_the_field_takes_none(onepager, rep):
    field = _side_image(onepager)
    ImageFactory(collection=collection("Anywhere"), uploaded_by_user=rep, review_state=UploadReview.PENDING)

    assert list(images_for_field(field, rep)) == list(images_for_field(field, None))


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
