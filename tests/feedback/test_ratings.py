"""Ratings of templates: who may rate, replacing a rating, what everyone sees, the admin list."""

import re

from django.urls import reverse

import pytest

from accounts.roles import Role
from feedback.models import COMMENT_MAX_CHARS, Rating
from feedback.selectors.ratings import rating_summary
from feedback.services.ratings import RatingAccessError, RatingError, rating_set
from templates_lib.services.audience import template_share

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member
from ..factories.feedback import record_download
from ..factories.templates_lib import make_template


@pytest.fixture
def downloaded(onepager, rep):
    record_download(onepager, rep)
    return onepager


def rate_url(template):
    return reverse("portal:template-rate", args=[template.public_id])


def detail_url(template):
    return reverse("portal:template-detail", args=[template.public_id])


def test_someone_who_downloaded_the_template_rates_it(downloaded, rep):
    rating = rating_set(template=downloaded, user=rep, stars=4, comment="  Clear and quick.  ")

    rating.refresh_from_db()
    assert (rating.stars, rating.comment, rating.organisation_id) == (4, "Clear and quick.", None)


def test_rating_again_replaces_the_earlier_rating(downloaded, rep):
    rating_set(template=downloaded, user=rep, stars=2, comment="Too long.")

    rating_set(template=downloaded, user=rep, stars=5)

    assert list(Rating.objects.values_list("stars", "comment")) == [(5, "")]


def test_someone_who_never_downloaded_it_cannot_rate(onepager, rep):
    with pytest.raises(RatingError, match="once you have downloaded"):
        rating_set(template=onepager, user=rep, stars=5)

    assert not Rating.objects.exists()


def test_a_share_link_view_is_not_a_download(onepager, rep):
    record_download(onepager, rep, channel="share_view")

    with pytest.raises(RatingError):
        rating_set(template=onepager, user=rep, stars=5)


def test_a_png_download_counts(onepager, rep):
    record_download(onepager, rep, channel="portal_png")

    assert rating_set(template=onepager, user=rep, stars=3).stars == 3


def test_a_template_the_user_cannot_see_is_refused_as_missing(onepager, rep):
    record_download(onepager, rep)
    onepager.audience_internal = False
    onepager.save(update_fields=["audience_internal"])

    with pytest.raises(RatingAccessError):
        rating_set(template=onepager, user=rep, stars=5)


@pytest.mark.parametrize("stars", [0, 6, -1, True])
def test_stars_outside_one_to_five_are_refused(downloaded, rep, stars):
    with pytest.raises(RatingError, match="1 to 5"):
        rating_set(template=downloaded, user=rep, stars=stars)


def test_a_comment_over_the_limit_is_refused(downloaded, rep):
    with pytest.raises(RatingError, match="characters"):
        rating_set(template=downloaded, user=rep, stars=3, comment="x" * (COMMENT_MAX_CHARS + 1))


def test_the_summary_is_the_average_with_its_n(onepager, rep, roles):
    other = UserFactory()
    other.groups.add(roles[Role.SALES_REP])
    for user, stars in ((rep, 5), (other, 2)):
        record_download(onepager, user)
        rating_set(template=onepager, user=user, stars=stars)

    summary = rating_summary(onepager)

    assert (summary.average_label, summary.count) == ("3.5", 2)


def test_the_template_page_shows_the_average_and_n_to_everyone_who_sees_it(downloaded, rep, roles, client):
    rating_set(template=downloaded, user=rep, stars=4)
    viewer = UserFactory()
    viewer.groups.add(roles[Role.SALES_REP])
    client.force_login(viewer)

    response = client.get(detail_url(downloaded))

    assert response.status_code == 200
    assert "<strong>4.0</strong> out of 5" in response.text
    assert "1 rating" in response.text
    assert "once you have downloaded" in response.text
    assert 'name="stars"' not in response.text


def test_the_template_page_offers_the_form_with_the_earlier_rating(downloaded, rep, rep_client):
    rating_set(template=downloaded, user=rep, stars=2, comment="Needs a <b>table</b>")

    response = rep_client.get(detail_url(downloaded))

    assert 'value="2" id="id_stars_1" required checked' in response.text
    assert "Needs a &lt;b&gt;table&lt;/b&gt;" in response.text
    assert "Update my rating" in response.text


def test_posting_a_rating_saves_it_and_returns_to_the_template(downloaded, rep, rep_client):
    response = rep_client.post(rate_url(downloaded), {"stars": "5", "comment": "Great"})

    assert response.status_code == 302
    assert response.url == detail_url(downloaded)
    assert Rating.objects.get(user=rep).stars == 5


def test_a_crafted_post_by_someone_who_never_downloaded_is_refused_with_a_message(onepager, rep_client):
    response = rep_client.post(rate_url(onepager), {"stars": "5", "comment": "Sight unseen"})

    assert response.status_code == 422
    assert "once you have downloaded" in response.text
    assert not Rating.objects.exists()


def test_a_rating_without_stars_keeps_the_comment_typed(downloaded, rep_client):
    response = rep_client.post(rate_url(downloaded), {"stars": "", "comment": "Kept words"})

    assert response.status_code == 422
    assert "Choose from 1 to 5 stars." in response.text
    assert "Kept words" in response.text
    assert not Rating.objects.exists()


@pytest.mark.parametrize("stars", ["9", "abc", "3.5"])
def test_crafted_star_values_are_refused(downloaded, rep_client, stars):
    response = rep_client.post(rate_url(downloaded), {"stars": stars})

    assert response.status_code == 422
    assert not Rating.objects.exists()


def test_a_partner_posting_for_a_template_not_shared_with_them_gets_a_404(db, brand_kit, roles, client):
    organisation = OrganisationFactory()
    partner = partner_member(organisation)
    partner.groups.add(roles[Role.PARTNER_USER])
    template = make_template(title="Internal only")
    client.force_login(partner)

    response = client.post(rate_url(template), {"stars": "5"})

    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_a_partner_who_downloaded_a_shared_template_rates_it_with_their_organisation(db, brand_kit, roles, client):
    organisation = OrganisationFactory()
    partner = partner_member(organisation)
    partner.groups.add(roles[Role.PARTNER_USER])
    template = make_template(title="For partners")
    template_share(template=template, organisation=organisation)
    record_download(template, partner)
    client.force_login(partner)

    response = client.post(rate_url(template), {"stars": "4"})

    assert response.status_code == 302
    assert Rating.objects.get(user=partner).organisation_id == organisation.pk


def test_a_get_on_the_rating_url_is_not_allowed(downloaded, rep_client):
    assert rep_client.get(rate_url(downloaded)).status_code == 405


def test_marketing_reads_comments_with_the_template_figures_in_admin(downloaded, rep, brand_client):
    rating_set(template=downloaded, user=rep, stars=3, comment="Footer <script>x</script> too small")

    response = brand_client.get(reverse("template_ratings:index"))

    assert response.status_code == 200
    assert "Footer &lt;script&gt;x&lt;/script&gt; too small" in response.text
    assert "3.0 (n = 1)" in response.text


def test_a_rating_in_admin_shows_its_templates_recent_downloads_and_links_to_its_report(
    downloaded, rep, analyst, client
):
    record_download(downloaded, rep)
    rating_set(template=downloaded, user=rep, stars=4, comment="")
    client.force_login(analyst)

    response = client.get(reverse("template_ratings:index"))

    cells = re.findall(r"<td[^>]*>(.*?)</td>", response.text, flags=re.S)
    assert "2" in [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
    assert reverse("reports_template", args=[downloaded.pk]) in response.text


def test_analysts_read_ratings_in_admin(downloaded, rep, analyst, client):
    rating_set(template=downloaded, user=rep, stars=3, comment="Useful")
    client.force_login(analyst)

    response = client.get(reverse("template_ratings:index"))

    assert response.status_code == 200
    assert "Useful" in response.text


def test_reps_cannot_read_ratings_in_admin(rep_client):
    response = rep_client.get(reverse("template_ratings:index"))

    assert response.status_code in (302, 403)


def test_a_superuser_reads_ratings_without_edit_or_delete(downloaded, rep, admin_client):
    rating_set(template=downloaded, user=rep, stars=5, comment="Spot on")

    response = admin_client.get(reverse("template_ratings:index"))

    assert response.status_code == 200
    assert "Spot on" in response.text
    assert "/template_ratings/edit/" not in response.text
