import datetime

from django.utils import timezone

import pytest

from approvals.models import BrandReviewTaskState
from approvals.services import Decision
from reports.filters import ReportFilters
from reports.selectors.field_changes import field_change_rows, normalised_distance, turnaround_rows
from templates_lib.models import CollateralTemplate
from tests.factories.accounts import UserFactory
from tests.factories.approvals import decide, document_in_review, make_document, submit_and_approve

URL = "/admin/reports/field-changes/"
TURNAROUND_URL = URL + "turnaround/"
PROMOTE_URL = URL + "promote/"


def subheadline_row(rows):
    return next(row for row in rows if row.field_key == "subheadline")


def write(template, text, owners):
    return [make_document(template, owner, values={"subheadline": text}) for owner in owners]


def test_a_value_written_by_two_people_is_not_shown_however_often(db, reviewed_template):
    first, second = UserFactory(), UserFactory()
    write(reviewed_template, "Two people wrote this", [first, second, first, second, first])

    row = subheadline_row(field_change_rows(ReportFilters()))

    assert row.documents == 5
    assert row.changed == 5
    assert row.common_values == []


def test_a_value_written_by_three_people_is_shown_with_its_counts(db, reviewed_template):
    write(reviewed_template, "Three people wrote this", [UserFactory(), UserFactory(), UserFactory()])
    make_document(reviewed_template, UserFactory())  # left at the default

    row = subheadline_row(field_change_rows(ReportFilters()))

    assert row.documents == 4
    assert row.change_rate == 0.75
    assert [(v.text, v.writers, v.documents) for v in row.common_values] == [("Three people wrote this", 3, 3)]


def test_how_far_is_the_edit_distance_over_the_longer_text():
    assert normalised_distance("kitten", "sitting") == pytest.approx(3 / 7)
    assert normalised_distance("same", "same") == 0.0


def test_values_are_escaped_and_truncated_on_the_page(db, reviewed_template, brand_client):
    text = "<script>alert(1)</script>" + "x" * 150
    for owner in [UserFactory(), UserFactory(), UserFactory()]:
        make_document(reviewed_template, owner, values={"benefits": text})

    html = brand_client.get(URL).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" + "x" * 94 + "…" in html


def three_approved(template, reviewer, text):
    documents = write(template, text, [UserFactory(), UserFactory(), UserFactory()])
    for document in documents:
        submit_and_approve(document, reviewer)
    return documents


def live_variants(template):
    template = CollateralTemplate.objects.get(pk=template.pk)
    field = next(f for f in template.live_revision.as_object().fields.all() if f.key == "subheadline")
    return field.variant_list


def promote_data(template, text):
    return {"template": template.pk, "field": "subheadline", "value": text, "next": URL}


def test_a_brand_manager_adds_a_common_value_as_a_pre_approved_wording(db, reviewed_template, brand_manager, client):
    three_approved(reviewed_template, brand_manager, "Forecasts your board trusts")
    client.force_login(brand_manager)

    response = client.post(PROMOTE_URL, promote_data(reviewed_template, "Forecasts your board trusts"))

    assert response.status_code == 302
    assert "Forecasts your board trusts" in live_variants(reviewed_template)


def test_a_crafted_promote_post_by_an_analyst_is_refused(db, reviewed_template, brand_manager, analyst, client):
    three_approved(reviewed_template, brand_manager, "Forecasts your board trusts")
    client.force_login(analyst)

    response = client.post(PROMOTE_URL, promote_data(reviewed_template, "Forecasts your board trusts"))

    assert response.status_code == 403
    assert "Forecasts your board trusts" not in live_variants(reviewed_template)


def test_a_value_fewer_than_three_people_wrote_cannot_be_promoted(db, reviewed_template, brand_manager, client):
    for document in write(reviewed_template, "Only two of us", [UserFactory(), UserFactory()]):
        submit_and_approve(document, brand_manager)
    client.force_login(brand_manager)

    client.post(PROMOTE_URL, promote_data(reviewed_template, "Only two of us"))

    assert "Only two of us" not in live_variants(reviewed_template)


def test_turnaround_median_and_90th_percentile_on_a_hand_built_set(db, reviewed_template, brand_manager):
    start = timezone.now() - datetime.timedelta(days=2)
    for hours, decision in [
        (1, Decision.APPROVE),
        (2, Decision.APPROVE),
        (3, Decision.REJECT),
        (4, Decision.APPROVE),
        (10, Decision.REJECT),
    ]:
        document = document_in_review(reviewed_template, UserFactory())
        round_ = decide(document, brand_manager, decision, comment="Off brand")
        BrandReviewTaskState.objects.filter(pk=round_.pk).update(
            started_at=start, finished_at=start + datetime.timedelta(hours=hours)
        )

    (row,) = turnaround_rows(ReportFilters(), by="template")

    assert row.decided == 5
    assert row.median_hours == pytest.approx(3)
    assert row.p90_hours == pytest.approx(7.6)  # 4 + 0.6 × (10 - 4)
    assert row.rejection_rate == pytest.approx(2 / 5)


@pytest.mark.parametrize("url", [URL, TURNAROUND_URL])
@pytest.mark.parametrize("query", [{"colour": "red"}, {"segment": "Enterprise"}])
def test_unknown_keys_are_refused(db, brand_client, url, query):
    assert brand_client.get(url, query).status_code == 400


def test_another_regions_id_from_a_region_limited_brand_manager_is_refused(db, brand_manager, client):
    from tests.factories.accounts import RegionFactory

    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    brand_manager.review_regions.add(north)
    client.force_login(brand_manager)

    assert client.get(URL, {"region": south.pk}).status_code == 400
    assert client.get(TURNAROUND_URL, {"region": south.pk}).status_code == 400


PAGES = ["", "results/", "?export=csv", "?export=xlsx", "turnaround/", "turnaround/results/", "turnaround/?export=csv"]


@pytest.mark.parametrize("who", ["rep", "partner_user", "manager"])
@pytest.mark.parametrize("path", PAGES)
def test_reps_and_partners_get_404_on_every_page_and_export(db, request, client, who, path):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(URL + path).status_code == 404  # as if there were no such page


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_and_exports_answer_an_analyst(db, reviewed_template, analyst, client, path):
    write(reviewed_template, "Three people wrote this", [UserFactory(), UserFactory(), UserFactory()])
    client.force_login(analyst)

    response = client.get(URL + path)

    assert response.status_code == 200
    if "export" not in path:
        assert "Add as pre-approved wording" not in response.content.decode()
