import datetime

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

import pytest

from deals.models import ActivityDay
from reports.filters import ReportFilters
from reports.selectors.unused import template_use_counts, unused_template_list
from templates_lib.models import CollateralTemplate

from ..factories.accounts import RegionFactory, UserFactory
from ..factories.templates_lib import make_template
from ..refusals import assert_admin_refused

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)
PERIOD = ReportFilters(start=datetime.date(2026, 4, 1), end=TODAY)
INDEX = "lastmile_reports_unused:index"
WINDOW = {"period_from": "2026-04-01", "period_to": "2026-06-30"}


def activity(template, day, *, downloads=0, views=0, user=None):
    revision = template.latest_revision
    return ActivityDay.objects.create(
        key=ActivityDay.key_for(
            day=day,
            revision_id=revision.pk,
            user_id=user and user.pk,
            organisation_id=None,
            region_id=None,
            deal_id=None,
        ),
        day=day,
        template=template,
        template_revision=revision,
        user=user,
        downloads=downloads,
        views=views,
    )


@pytest.fixture
def library(brand_kit, brand_manager):
    """Five templates: downloaded in the period, only viewed in it, downloaded before it, never
    delivered, and retired."""
    templates = {
        name: make_template(title=title, user=brand_manager)
        for name, title in [
            ("used", "Used flyer"),
            ("viewed", "Viewed flyer"),
            ("old", "Old flyer"),
            ("never", "Never flyer"),
            ("retired", "Retired flyer"),
        ]
    }
    activity(templates["used"], datetime.date(2026, 5, 2), downloads=3)
    activity(templates["viewed"], datetime.date(2026, 5, 2), views=7)
    activity(templates["old"], datetime.date(2026, 1, 15), downloads=2)
    activity(templates["old"], datetime.date(2026, 2, 20), views=1)
    CollateralTemplate.objects.filter(pk=templates["retired"].pk).update(retired_at=timezone.now())
    return templates


def test_lists_published_templates_without_a_download_in_the_period(library):
    rows = unused_template_list(PERIOD, today=TODAY)

    assert [(row.title, row.is_never_used, row.last_download_on) for row in rows] == [
        ("Never flyer", True, None),
        ("Viewed flyer", False, None),
        ("Old flyer", False, datetime.date(2026, 1, 15)),
    ]


def test_counts_used_unused_and_never_used(library):
    counts = template_use_counts(PERIOD)

    assert (counts.used, counts.unused, counts.never_used, counts.total) == (1, 2, 1, 4)


def test_rows_carry_age_and_the_last_editor(library, brand_manager):
    CollateralTemplate.objects.filter(pk=library["never"].pk).update(
        created_at=datetime.datetime(2026, 6, 10, 12, tzinfo=datetime.UTC)
    )
    brand_manager.first_name, brand_manager.last_name = "Bea", "Marsh"
    brand_manager.save()

    row = next(row for row in unused_template_list(PERIOD, today=TODAY) if row.title == "Never flyer")

    assert (row.age_days, row.last_editor) == (20, "Bea Marsh")
    assert row.last_revision_on == timezone.localdate(library["never"].latest_revision.created_at)


def test_kind_filter_keeps_only_that_kind(library):
    assert unused_template_list(ReportFilters(start=PERIOD.start, end=TODAY, kind="brochure"), today=TODAY) == []


def test_region_scope_keeps_all_audience_and_own_region_templates(library):
    europe, americas = RegionFactory(name="Europe", code="eu"), RegionFactory(name="Americas", code="am")
    for name, region in (("viewed", europe), ("old", americas)):
        template = library[name]
        template.audience_internal = False
        template.audience_regions.set([region])
        template.save()

    rows = unused_template_list(ReportFilters(start=PERIOD.start, end=TODAY, region_ids=(europe.pk,)), today=TODAY)

    assert [row.title for row in rows] == ["Never flyer", "Viewed flyer"]


# Views


@pytest.mark.parametrize("person", ["rep", "partner_user", "manager"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", reverse(INDEX)),
        ("get", reverse("lastmile_reports_unused:results")),
        ("get", reverse(INDEX) + "?export=csv"),
        ("get", reverse(INDEX) + "?export=xlsx"),
        ("post", "retire"),
    ],
)
def test_reps_and_partners_get_404_on_every_url(client, request, person, method, url, library):
    client.force_login(request.getfixturevalue(person))
    if url == "retire":
        url = reverse("lastmile_reports_unused:retire", args=[library["never"].pk])

    response = getattr(client, method)(url)

    assert response.status_code == 404  # as if there were no such page
    assert CollateralTemplate.objects.get(pk=library["never"].pk).retired_at is None


@pytest.mark.parametrize("suffix", ["", "results/", "?export=csv", "retire"])
def test_admin_users_without_the_report_permission_get_404(client, library, suffix):
    user = UserFactory(username="editor")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    if suffix == "retire":
        response = client.post(reverse("lastmile_reports_unused:retire", args=[library["never"].pk]))
    else:
        response = client.get(reverse(INDEX) + suffix)

    assert response.status_code == 404


def test_brand_manager_sees_the_unused_templates_and_the_chart(brand_client, library):
    response = brand_client.get(reverse(INDEX), WINDOW)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Never flyer" in html
    assert "Viewed flyer" in html
    assert "Old flyer" in html
    assert "Used flyer" not in html
    assert "Retired flyer" not in html
    assert "report-chart--bar" in html
    assert "1 of 4 published templates had a final download" in html


def test_unknown_query_key_is_refused(brand_client, library):
    response = brand_client.get(reverse(INDEX), {"sort_by": "title"})

    assert response.status_code == 400


def test_filters_this_report_ignores_are_still_accepted(brand_client, library, partner_organisation):
    response = brand_client.get(reverse(INDEX), {"organisation": partner_organisation.pk})

    assert response.status_code == 200
    assert "Not applied to templates: Partner organisation" in response.content.decode()


def test_region_limited_brand_manager_cannot_ask_for_another_region(brand_client, brand_manager, library):
    europe, americas = RegionFactory(name="Europe", code="eu"), RegionFactory(name="Americas", code="am")
    brand_manager.review_regions.set([europe])

    assert brand_client.get(reverse(INDEX), {"region": europe.pk}).status_code == 200
    assert brand_client.get(reverse(INDEX), {"region": americas.pk}).status_code == 400


def test_region_limited_brand_manager_sees_only_templates_for_their_regions(brand_client, brand_manager, library):
    europe, americas = RegionFactory(name="Europe", code="eu"), RegionFactory(name="Americas", code="am")
    brand_manager.review_regions.set([europe])
    template = library["old"]
    template.audience_internal = False
    template.audience_regions.set([americas])
    template.save()

    html = brand_client.get(reverse(INDEX), WINDOW).content.decode()

    assert "Never flyer" in html
    assert "Old flyer" not in html


def test_every_template_used_shows_the_empty_state(brand_client, brand_kit):
    template = make_template(title="Busy flyer")
    activity(template, timezone.localdate(), downloads=1)

    response = brand_client.get(reverse(INDEX))

    assert "Every published template was downloaded at least once in this period (1 of 1)." in response.content.decode()


def test_export_has_the_rows_and_the_definitions(brand_client, library):
    response = brand_client.get(reverse(INDEX), {"export": "csv", **WINDOW})

    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == "Title,Kind,Status,Age (days),Last edited by,Last revision,Last download"
    assert "Never flyer" in text
    assert "Used flyer" not in text
    assert "Window: 2026-04-01 to 2026-06-30" in text
    assert "Column,Definition" in text


def test_brand_manager_retires_a_template_in_one_click(brand_client, library):
    template = library["never"]
    next_url = reverse(INDEX) + "?kind=onepager"

    response = brand_client.post(reverse("lastmile_reports_unused:retire", args=[template.pk]), {"next": next_url})

    assert response.status_code == 302
    assert response.url == next_url
    template.refresh_from_db()
    assert template.is_retired
    assert (
        "Never flyer"
        not in brand_client.get(reverse(INDEX)).content.decode().split("</h2>", 1)[-1].split("is retired")[-1]
    )


def test_retire_never_redirects_off_the_report(brand_client, library):
    response = brand_client.post(
        reverse("lastmile_reports_unused:retire", args=[library["never"].pk]), {"next": "https://evil.example/"}
    )

    assert response.url == reverse(INDEX)


def test_retire_needs_a_post(brand_client, library):
    response = brand_client.get(reverse("lastmile_reports_unused:retire", args=[library["never"].pk]))

    assert response.status_code == 405


def test_analyst_sees_no_retire_button(client, analyst, library):
    client.force_login(analyst)

    html = client.get(reverse(INDEX)).content.decode()

    assert "Never flyer" in html
    assert reverse("lastmile_reports_unused:retire", args=[library["never"].pk]) not in html


def test_crafted_retire_post_by_an_analyst_is_refused(client, analyst, library):
    client.force_login(analyst)

    response = client.post(reverse("lastmile_reports_unused:retire", args=[library["never"].pk]))

    assert_admin_refused(response, analyst)
    library["never"].refresh_from_db()
    assert not library["never"].is_retired


def test_brand_manager_sees_the_retire_button(brand_client, library):
    html = brand_client.get(reverse(INDEX)).content.decode()

    assert reverse("lastmile_reports_unused:retire", args=[library["never"].pk]) in html
