import io

from django.urls import reverse

import openpyxl
import pytest

from .conftest import WINDOW

pytestmark = pytest.mark.django_db

URL = reverse("reports_template_performance")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_an_analyst_sees_each_template_with_its_win_rate_and_interval(analyst_client, dataset):
    response = analyst_client.get(URL, WINDOW)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Template A" in body
    assert "2 of 3 won: 67% (21–94%)" in body


def test_the_page_says_too_few_to_judge_and_association_not_effect(analyst_client, dataset):
    body = analyst_client.get(URL, WINDOW).content.decode()

    assert "too few to judge" in body
    assert "Association, not effect" in body


def test_the_headline_chart_is_a_server_drawn_figure(analyst_client, dataset):
    body = analyst_client.get(URL, WINDOW).content.decode()

    assert "<figure" in body
    assert "<figcaption" in body
    assert 'role="img"' in body


@pytest.mark.parametrize("user_fixture", ["rep", "partner_user", "manager"])
def test_reps_and_partners_get_404_on_the_report_and_its_export(client, request, user_fixture, dataset):
    client.force_login(request.getfixturevalue(user_fixture))

    assert client.get(URL, WINDOW).status_code == 404
    assert client.get(URL, {**WINDOW, "export": "csv"}).status_code == 404


def test_an_unknown_filter_key_is_refused(analyst_client, dataset):
    response = analyst_client.get(URL, {**WINDOW, "deal__owner__password__startswith": "a"})

    assert response.status_code == 400
    assert b"deal__owner__password__startswith" in response.content


def test_a_hostile_filter_value_is_refused_not_a_500(analyst_client, dataset):
    response = analyst_client.get(URL, {"period_from": "'; DROP TABLE deals; --", "adjust": "amount__gt"})

    assert response.status_code == 400


def test_a_regional_brand_manager_cannot_name_another_region(client, brand_manager, dataset):
    north, south = dataset.regions["north"], dataset.regions["south"]
    brand_manager.review_regions.set([north])
    client.force_login(brand_manager)

    assert client.get(URL, {**WINDOW, "region": north.pk}).status_code == 200
    assert client.get(URL, {**WINDOW, "region": south.pk}).status_code == 400


def test_a_regional_brand_manager_sees_only_their_regions_deals(client, brand_manager, dataset):
    brand_manager.review_regions.set([dataset.regions["north"]])
    client.force_login(brand_manager)

    body = client.get(URL, WINDOW).content.decode()

    assert "1 of 2 won" in body  # Template A in the north: d1 won, d2 lost
    assert "2 of 3 won" not in body


def test_the_csv_export_has_every_row_and_the_definitions(analyst_client, dataset):
    response = analyst_client.get(URL, {**WINDOW, "export": "csv"})

    text = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert "Template A" in text
    assert "Association, not effect" in text
    assert "Wilson 95% interval" in text


def test_a_formula_in_a_template_title_opens_as_text_in_the_xlsx(analyst_client, dataset):
    template = dataset.templates["A"]
    template.title = '=HYPERLINK("http://evil.example")'
    template.save(update_fields=["title"])

    response = analyst_client.get(URL, {**WINDOW, "export": "xlsx"})

    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == template.title]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)


def test_adjusting_shows_the_mantel_haenszel_figures(analyst_client, dataset):
    body = analyst_client.get(URL, {**WINDOW, "adjust": ["region"]}).content.decode()

    assert "Mantel–Haenszel" in body
    assert "adjusted +50 pts" in body  # Template A, holding region equal (see the selector test)


def test_an_empty_window_says_what_to_do(analyst_client, dataset):
    body = analyst_client.get(URL, {"period_from": "2030-01-01", "period_to": "2030-02-01"}).content.decode()

    assert "Widen the period" in body


def test_the_report_is_in_the_reports_menu_for_analysts(analyst_client, dataset):
    assert URL.encode() in analyst_client.get(reverse("wagtailadmin_home")).content


def test_a_templates_own_page_shows_its_figures_trend_and_revisions(analyst_client, dataset):
    template = dataset.templates["A"]

    response = analyst_client.get(reverse("reports_template", args=[template.pk]), WINDOW)

    body = response.content.decode()
    assert response.status_code == 200
    assert "2 of 3 won: 67% (21–94%)" in body  # the template, and its only revision below
    assert "Revisions side by side" in body
    assert "Mar 2026" in body  # the month-by-month table behind the trend chart


def test_a_revision_row_counts_the_deals_that_used_that_revision(analyst_client, dataset):
    template = dataset.templates["A"]

    body = analyst_client.get(reverse("reports_template", args=[template.pk]), WINDOW).content.decode()

    assert body.count("2 of 3 won") == 2


def test_an_unknown_template_page_is_404(analyst_client, dataset):
    assert analyst_client.get(reverse("reports_template", args=[999999])).status_code == 404


def test_a_rep_gets_404_on_a_templates_page(rep_client, dataset):
    template = dataset.templates["A"]

    assert rep_client.get(reverse("reports_template", args=[template.pk])).status_code == 404


def test_the_performance_table_links_each_template_to_its_page_with_the_same_filters(analyst_client, dataset):
    template = dataset.templates["A"]

    body = analyst_client.get(URL, WINDOW).content.decode()

    assert f"{reverse('reports_template', args=[template.pk])}?period_from=2026-01-01&amp;period_to=2026-06-30" in body


def test_a_templates_page_gives_the_median_days_from_first_use_to_win(analyst_client, dataset):
    template = dataset.templates["A"]

    body = analyst_client.get(reverse("reports_template", args=[template.pk]), WINDOW).content.decode()

    # d1: 1 Mar to 31 Mar (30 days); d5: 1 Feb to 28 Feb (27 days).
    assert "median 28.5 days (n=2 won deals)" in body
