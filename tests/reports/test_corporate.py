import pytest

from approvals.services import document_create
from reports.filters import ReportFilters
from reports.selectors.corporate import Share, corporate_share_rows, document_corporate_share
from tests.factories.accounts import RegionFactory, UserFactory
from tests.factories.templates_lib import make_template

URL = "/admin/reports/corporate/"
HEADLINE = "Know which deals will close."  # 28 characters, locked
OWN_WORDS = "Our own words"  # 13 characters, written by the rep
DEFAULT_SUB = "Forecasts you can defend."  # 25 characters, the template's own wording
BAND = (0.6, 0.7)


def admin_user_without_reports():
    """Reaches Wagtail admin (so Wagtail lets the request through) but may not read reports."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="editor")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def small_template(**attrs):
    return make_template(
        fields=[
            {
                "key": "headline",
                "label": "Headline",
                "slot": "headline",
                "lock_mode": "locked",
                "default_text": HEADLINE,
            },
            {
                "key": "subheadline",
                "label": "Subheadline",
                "slot": "subheadline",
                "lock_mode": "free",
                "max_chars": 80,
                "default_text": DEFAULT_SUB,
                "variants": "Pre-approved words",
            },
        ],
        **attrs,
    )


def document(template, owner, subheadline=None):
    values = {} if subheadline is None else {"subheadline": subheadline}
    return document_create(template=template, owner=owner, values=values, title="Doc", check_fit=False)


def test_a_locked_field_and_an_edited_field_give_an_exact_share(db, brand_kit, rep):
    doc = document(small_template(), rep, OWN_WORDS)

    share = document_corporate_share(doc)

    assert share == Share(corporate_chars=28, local_chars=13, corporate_images=0, local_images=0, text_fields=2)
    assert share.combined_share == pytest.approx(28 / 41)


@pytest.mark.parametrize("text", [DEFAULT_SUB, "Pre-approved words", None])
def test_the_templates_own_and_pre_approved_wording_count_as_corporate(db, brand_kit, rep, text):
    doc = document(small_template(), rep, text)

    share = document_corporate_share(doc)

    assert share.local_chars == 0
    assert share.combined_share == 1.0


def test_an_image_slot_weighs_as_much_as_the_documents_average_text_field():
    share = Share(corporate_chars=30, local_chars=10, corporate_images=0, local_images=1, text_fields=2)

    assert share.image_weight == 20
    assert share.combined_share == pytest.approx(30 / 60)


def test_groups_outside_the_band_are_flagged(db, brand_kit, rep):
    inside, below = small_template(title="Inside"), small_template(title="Below")
    document(inside, rep, "x" * 14)  # 28 / (28 + 14) = 66.7%
    document(below, rep, "x" * 28)  # 28 / 56 = 50%

    rows = {row.group: row for row in corporate_share_rows(ReportFilters(), by="template", band=BAND)}

    assert rows["Inside"].share == pytest.approx(2 / 3)
    assert not rows["Inside"].is_flagged
    assert rows["Below"].share == pytest.approx(0.5)
    assert rows["Below"].flag == "Below band"
    assert rows["Below"].n == 1


def test_deleted_documents_are_left_out(db, brand_kit, rep):
    from django.utils import timezone

    doc = document(small_template(), rep, OWN_WORDS)
    doc.deleted_at = timezone.now()
    doc.save()

    assert corporate_share_rows(ReportFilters(), by="template", band=BAND) == []


def test_a_region_limited_brand_manager_sees_only_their_regions_documents(db, brand_kit, brand_manager, client):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    brand_manager.review_regions.add(north)
    template = small_template()
    document(template, UserFactory(region=north), OWN_WORDS)
    document(template, UserFactory(region=south), OWN_WORDS)
    document(template, UserFactory(region=south), OWN_WORDS)
    client.force_login(brand_manager)

    response = client.get(URL, {"by": "region"})

    assert response.status_code == 200
    groups = [row.group for row in response.context["object_list"]]
    assert groups == ["North"]


def test_another_regions_id_from_a_region_limited_brand_manager_is_refused(db, brand_manager, client):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    brand_manager.review_regions.add(north)
    client.force_login(brand_manager)

    response = client.get(URL, {"region": south.pk})

    assert response.status_code == 400


@pytest.mark.parametrize("query", [{"colour": "red"}, {"segment": "Enterprise"}, {"by": "owner"}])
def test_unknown_keys_and_values_are_refused(db, brand_client, query):
    response = brand_client.get(URL, query)

    assert response.status_code == 400


@pytest.mark.parametrize("who", ["rep", "partner_user", "manager"])
@pytest.mark.parametrize("path", ["", "results/", "?export=csv", "?export=xlsx"])
def test_reps_and_partners_get_404_on_the_page_and_exports(db, request, client, who, path):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(URL + path).status_code == 404  # as if there were no such page


@pytest.mark.parametrize("path", ["", "results/", "?export=csv", "?export=xlsx"])
def test_admin_users_without_the_report_permission_get_404(db, client, path):
    client.force_login(admin_user_without_reports())

    assert client.get(URL + path).status_code == 404


def test_the_page_shows_the_chart_against_the_band_and_the_definitions(db, brand_kit, rep, analyst, client):
    document(small_template(title="Flyer <b>"), rep, OWN_WORDS)
    client.force_login(analyst)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Company band 60–70%" in html
    assert "68% (n=1)" in html
    assert "Flyer &lt;b&gt;" in html
    assert "What the columns mean" in html


def test_the_export_carries_the_shares_and_definitions(db, brand_kit, rep, analyst, client):
    document(small_template(title="Flyer"), rep, OWN_WORDS)
    client.force_login(analyst)

    response = client.get(URL, {"export": "csv"})

    content = b"".join(response.streaming_content).decode()
    assert content.splitlines()[0].startswith("Group,Documents,Corporate share")
    assert "Flyer,1,0.68292" in content
    assert "Company band: 60% to 70% corporate" in content
    assert "Mean over documents of corporate characters" in content
