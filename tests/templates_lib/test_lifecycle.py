"""Template lifecycle: scheduling, retiring with a replacement, documents of retired or expired
templates, and upgrading documents to a newer template revision."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from approvals.services import document_create, document_upgrade, document_withdraw
from templates_lib.models import ApprovalState, CollateralTemplate
from templates_lib.rendering.html import render_collateral_html
from templates_lib.rendering.profile import Profile
from templates_lib.selectors import templates_for_user
from templates_lib.services.documents import TemplateNotPublishedError
from templates_lib.services.lifecycle import LifecycleError, template_reinstate, template_retire
from templates_lib.tokens import TokenContext

from ..factories.approvals import (
    OWN_WORDS,
    document_in_review,
    document_needing_approval,
    make_document,
    make_reviewed_template,
    submit_and_approve,
)
from ..factories.templates_lib import make_template, publish_change

ADMIN = "wagtailsnippets_templates_lib_collateraltemplate"


@pytest.fixture
def replacement(brand_kit):
    return make_template(title="Brand-new one-pager")


@pytest.fixture
def document(onepager, rep):
    """A document with the rep's own subheadline (not reviewed on this template: approved by the rules)."""
    return make_document(onepager, rep, values={"subheadline": OWN_WORDS})


def _library(user) -> list[str]:
    return [template.title for template in templates_for_user(user)]


def publish_fields(template: CollateralTemplate, **changes) -> CollateralTemplate:
    """Publish a new revision where the named fields' attributes changed ({key: {attr: value}})."""
    live = template.live_revision.as_object()
    for field in live.fields.all():
        for attr, value in changes.get(field.key, {}).items():
            setattr(field, attr, value)
    live.save_revision().publish()
    template.refresh_from_db()
    return template


def _render(document) -> str:
    document.refresh_from_db()
    return render_collateral_html(
        template=document.pinned_template(),
        values=document.values,
        token_context=TokenContext(user=document.owner),
        profile=Profile.DIGITAL,
    )


def _lifecycle_partial(document, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "portal/partials/document_lifecycle.html",
        {"document": document, "template": document.template},
        request=request,
    )


# --- Scheduling -----------------------------------------------------------------------------


def test_template_past_its_expiry_leaves_the_library_before_publish_scheduled_runs(onepager, rep):
    CollateralTemplate.objects.filter(pk=onepager.pk).update(expire_at=timezone.now() - timedelta(minutes=1))

    assert onepager.title not in _library(rep)
    onepager.refresh_from_db()
    assert onepager.live
    assert not onepager.expired


def test_template_expiring_later_stays_in_the_library(onepager, rep):
    CollateralTemplate.objects.filter(pk=onepager.pk).update(expire_at=timezone.now() + timedelta(days=1))

    assert onepager.title in _library(rep)


def test_template_scheduled_to_go_live_later_is_not_in_the_library(brand_kit, rep):
    template = make_template(title="Autumn launch", publish=False)
    template.go_live_at = timezone.now() + timedelta(days=2)
    template.save_revision().publish()

    template.refresh_from_db()
    assert not template.live
    assert "Autumn launch" not in _library(rep)


def test_publish_scheduled_brings_a_scheduled_template_into_the_library(brand_kit, rep):
    template = make_template(title="Autumn launch", publish=False)
    template.go_live_at = timezone.now() + timedelta(days=2)
    revision = template.save_revision()
    revision.publish()
    # Two days later: the scheduled time has passed.
    past = timezone.now() - timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    type(revision).objects.filter(pk=revision.pk).update(approved_go_live_at=past, content=revision.content)

    call_command("publish_scheduled")

    assert "Autumn launch" in _library(rep)


# --- Retiring -------------------------------------------------------------------------------


def test_brand_manager_retires_a_template_with_a_replacement(onepager, replacement, brand_manager):
    template_retire(template=onepager, user=brand_manager, replacement=replacement)

    onepager.refresh_from_db()
    assert onepager.is_retired
    assert onepager.retired_by == brand_manager
    assert onepager.replacement == replacement
    entry = ModelLogEntry.objects.for_instance(onepager).get(action="lastmile.template.retired")
    assert entry.user == brand_manager
    assert entry.data["replacement"] == replacement.pk


def test_brand_manager_retires_a_template_without_a_replacement(onepager, brand_manager):
    template_retire(template=onepager, user=brand_manager)

    onepager.refresh_from_db()
    assert onepager.is_retired
    assert onepager.replacement is None
    assert ModelLogEntry.objects.for_instance(onepager).filter(action="lastmile.template.retired").exists()


def _unpublished(template):
    template.live = False
    template.save(update_fields=["live"])


def _retired(template):
    CollateralTemplate.objects.filter(pk=template.pk).update(retired_at=timezone.now())


def _expired(template):
    CollateralTemplate.objects.filter(pk=template.pk).update(expire_at=timezone.now() - timedelta(hours=1))


@pytest.mark.parametrize(
    ("spoil", "message"),
    [(_unpublished, "not published"), (_retired, "retired itself"), (_expired, "has expired")],
)
def test_replacement_must_be_a_published_template_in_use(onepager, replacement, brand_manager, spoil, message):
    spoil(replacement)
    replacement.refresh_from_db()

    with pytest.raises(LifecycleError, match=message):
        template_retire(template=onepager, user=brand_manager, replacement=replacement)

    onepager.refresh_from_db()
    assert not onepager.is_retired


def test_template_cannot_replace_itself(onepager, brand_manager):
    with pytest.raises(LifecycleError, match="cannot replace itself"):
        template_retire(template=onepager, user=brand_manager, replacement=onepager)

    onepager.refresh_from_db()
    assert not onepager.is_retired


@pytest.mark.parametrize("role", ["rep", "analyst", "manager"])
def test_only_brand_managers_retire_templates(request, onepager, role):
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        template_retire(template=onepager, user=user)

    onepager.refresh_from_db()
    assert not onepager.is_retired


def test_reinstating_puts_a_retired_template_back_in_the_library(onepager, replacement, brand_manager, rep):
    template_retire(template=onepager, user=brand_manager, replacement=replacement)

    template_reinstate(template=onepager, user=brand_manager)

    onepager.refresh_from_db()
    assert not onepager.is_retired
    assert onepager.replacement is None
    assert onepager.title in _library(rep)
    assert ModelLogEntry.objects.for_instance(onepager).filter(action="lastmile.template.reinstated").exists()


def test_retired_template_leaves_the_library(onepager, brand_manager, rep):
    template_retire(template=onepager, user=brand_manager)

    assert onepager.title not in _library(rep)


def test_retired_template_cannot_be_personalised(onepager, brand_manager, rep, rep_client):
    template_retire(template=onepager, user=brand_manager)
    onepager.refresh_from_db()

    page = rep_client.get(reverse("portal:template-personalise", args=[onepager.public_id]))
    crafted = rep_client.post(reverse("portal:template-personalise", args=[onepager.public_id]), {"title": "Mine"})

    assert page.status_code == 404
    assert crafted.status_code == 404
    with pytest.raises(TemplateNotPublishedError):
        document_create(template=onepager, owner=rep, values={})
    assert not onepager.documents.exists()


def test_publishing_an_older_revision_keeps_the_template_retired(onepager, brand_manager):
    template_retire(template=onepager, user=brand_manager)

    publish_change(onepager, subheadline="Reworded by the brand team.")

    onepager.refresh_from_db()
    assert onepager.is_retired


# --- Documents of retired or expired templates ----------------------------------------------


def test_document_of_a_retired_template_is_flagged_with_its_replacement(
    document, onepager, replacement, brand_manager, rep
):
    template_retire(template=onepager, user=brand_manager, replacement=replacement)
    document.refresh_from_db()

    html = _lifecycle_partial(document, rep)

    assert f"This template was retired on {timezone.localdate():%-d %B %Y}" in html
    assert reverse("portal:template-detail", args=[replacement.public_id]) in html
    assert "Brand-new one-pager" in html
    assert "A newer version" not in html


@pytest.mark.parametrize("url_name", ["portal:document-pdf", "portal:document-download"])
def test_final_download_of_a_retired_templates_document_is_refused_naming_the_replacement(
    document, onepager, replacement, brand_manager, rep_client, url_name
):
    document.refresh_from_db()
    assert document.approval_state == ApprovalState.APPROVED
    template_retire(template=onepager, user=brand_manager, replacement=replacement)

    response = rep_client.get(reverse(url_name, args=[document.public_id]) + "?profile=print")

    assert response.status_code == 403
    body = response.content.decode()
    assert "is retired" in body
    assert "Use “Brand-new one-pager” instead." in body
    assert not ModelLogEntry.objects.for_instance(document).filter(action="lastmile.document.downloaded").exists()


def test_document_of_an_expired_template_is_flagged(document, onepager, rep):
    expiry = timezone.now() - timedelta(days=1)
    CollateralTemplate.objects.filter(pk=onepager.pk).update(expire_at=expiry)
    document.refresh_from_db()

    html = _lifecycle_partial(document, rep)

    assert f"This template expired on {timezone.localtime(expiry):%-d %B %Y}" in html
    assert "can no longer be downloaded" in html


@pytest.mark.parametrize("url_name", ["portal:document-pdf", "portal:document-download"])
def test_final_download_of_an_expired_templates_document_is_refused(document, onepager, rep_client, url_name):
    CollateralTemplate.objects.filter(pk=onepager.pk).update(expire_at=timezone.now() - timedelta(days=1))

    response = rep_client.get(reverse(url_name, args=[document.public_id]))

    assert response.status_code == 403
    assert "is expired" in response.content.decode()


# --- Upgrading ------------------------------------------------------------------------------


def test_upgrade_carries_values_and_takes_locked_content_from_the_new_revision(document, onepager, rep):
    publish_change(onepager, headline="Close the quarter with confidence.")

    result = document_upgrade(document=document, user=rep)

    document.refresh_from_db()
    assert document.template_revision_id == onepager.live_revision_id
    assert result.to_revision_id == onepager.live_revision_id
    assert document.values["subheadline"] == OWN_WORDS
    html = _render(document)
    assert "Close the quarter with confidence." in html
    assert OWN_WORDS in html


def test_value_left_at_the_old_default_takes_the_new_default(onepager, rep):
    document = make_document(onepager, rep)
    publish_change(onepager, subheadline="Forecasts your board believes.")

    document_upgrade(document=document, user=rep)

    document.refresh_from_db()
    assert document.values["subheadline"] == "Forecasts your board believes."


def test_value_that_no_longer_passes_is_dropped_to_the_new_default_and_reported(document, onepager, rep):
    publish_fields(onepager, subheadline={"max_chars": 12, "default_text": "Plan better."})

    result = document_upgrade(document=document, user=rep)

    document.refresh_from_db()
    assert [value.key for value in result.dropped] == ["subheadline"]
    assert "limit is 12" in result.dropped[0].reason
    assert document.values["subheadline"] == "Plan better."
    entry = ModelLogEntry.objects.for_instance(document).get(action="lastmile.document.upgraded")
    assert entry.data["dropped"] == ["subheadline"]


def test_upgrade_is_audited_with_both_revisions(document, onepager, rep):
    old_revision = document.template_revision_id
    publish_change(onepager, headline="Close the quarter with confidence.")

    document_upgrade(document=document, user=rep)

    entry = ModelLogEntry.objects.for_instance(document).get(action="lastmile.document.upgraded")
    assert entry.user == rep
    assert entry.data["from_revision"] == old_revision
    assert entry.data["to_revision"] == onepager.live_revision_id
    assert entry.data["dropped"] == []


def test_upgraded_document_with_default_values_is_approved_again_by_the_rules(brand_kit, rep):
    template = make_reviewed_template()
    document = make_document(template, rep)
    publish_change(template, headline="Close the quarter with confidence.")

    result = document_upgrade(document=document, user=rep)

    document.refresh_from_db()
    assert result.is_approved
    assert document.approval_state == ApprovalState.APPROVED
    assert document.live_revision_id == document.latest_revision_id
    assert document.live_revision.content["template_revision"] == template.live_revision_id


def test_upgraded_document_keeps_reviewed_text_that_was_approved(brand_kit, rep, brand_manager):
    template = make_reviewed_template()
    document = document_needing_approval(template, rep)
    submit_and_approve(document, brand_manager)
    publish_change(template, headline="Close the quarter with confidence.")

    result = document_upgrade(document=document, user=rep)

    assert result.is_approved
    assert result.document.values["subheadline"] == OWN_WORDS


def test_upgraded_document_with_unapproved_reviewed_text_needs_approval(brand_kit, rep):
    template = make_reviewed_template()
    document = document_needing_approval(template, rep)
    publish_change(template, headline="Close the quarter with confidence.")

    result = document_upgrade(document=document, user=rep)

    document.refresh_from_db()
    assert not result.is_approved
    assert document.approval_state == ApprovalState.NEEDS_APPROVAL
    assert document.live_revision_id is None


def test_upgrade_is_refused_while_the_document_is_in_review(brand_kit, rep):
    template = make_reviewed_template()
    document = document_in_review(template, rep)
    old_revision = document.template_revision_id
    publish_change(template, headline="Close the quarter with confidence.")

    with pytest.raises(LifecycleError, match="Withdraw it first"):
        document_upgrade(document=document, user=rep)

    document.refresh_from_db()
    assert document.template_revision_id == old_revision


def test_upgrade_is_possible_again_after_withdrawing(brand_kit, rep):
    template = make_reviewed_template()
    document = document_in_review(template, rep)
    publish_change(template, headline="Close the quarter with confidence.")
    document_withdraw(document, user=rep)

    result = document_upgrade(document=document, user=rep)

    assert result.document.template_revision_id == template.live_revision_id


def test_upgrade_is_refused_to_other_users(document, onepager, partner_user):
    old_revision = document.template_revision_id
    publish_change(onepager, headline="Close the quarter with confidence.")

    with pytest.raises(PermissionDenied):
        document_upgrade(document=document, user=partner_user)

    document.refresh_from_db()
    assert document.template_revision_id == old_revision


def test_upgrade_is_refused_for_a_retired_template(document, onepager, brand_manager, rep):
    publish_change(onepager, headline="Close the quarter with confidence.")
    template_retire(template=onepager, user=brand_manager)

    with pytest.raises(LifecycleError, match="retired"):
        document_upgrade(document=document, user=rep)


def test_upgrade_is_refused_when_already_up_to_date(document, rep):
    with pytest.raises(LifecycleError, match="already uses the latest version"):
        document_upgrade(document=document, user=rep)


def test_owner_sees_what_a_newer_version_changes(document, onepager, rep):
    publish_fields(onepager, headline={"default_text": "Close the quarter."}, eyebrow={"lock_mode": "locked"})

    html = _lifecycle_partial(document, rep)

    assert "A newer version of this template is available" in html
    assert "Updated by the brand team: Headline" in html
    assert "Now set by the brand team: Eyebrow" in html
    assert reverse("portal:document-upgrade", args=[document.public_id]) in html


def test_owner_is_told_which_values_the_upgrade_would_reset(document, onepager, rep):
    publish_fields(onepager, subheadline={"max_chars": 12, "default_text": "Plan better."})

    html = _lifecycle_partial(document, rep)

    assert "Your text in Subheadline does not fit" in html


def test_newer_version_is_not_offered_to_others(document, onepager, analyst):
    publish_change(onepager, headline="Close the quarter with confidence.")

    html = _lifecycle_partial(document, analyst)

    assert "A newer version" not in html


def test_upgrade_through_the_portal(document, onepager, rep_client):
    publish_change(onepager, headline="Close the quarter with confidence.")

    response = rep_client.post(reverse("portal:document-upgrade", args=[document.public_id]))

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.template_revision_id == onepager.live_revision_id


def test_portal_upgrade_answers_404_to_other_users(document, onepager, client, partner_user):
    old_revision = document.template_revision_id
    publish_change(onepager, headline="Close the quarter with confidence.")
    client.force_login(partner_user)

    response = client.post(reverse("portal:document-upgrade", args=[document.public_id]))

    assert response.status_code == 404
    document.refresh_from_db()
    assert document.template_revision_id == old_revision


def test_portal_upgrade_accepts_post_only(document, rep_client):
    response = rep_client.get(reverse("portal:document-upgrade", args=[document.public_id]))

    assert response.status_code == 405


# --- Wagtail admin --------------------------------------------------------------------------


def test_brand_manager_retires_a_template_in_admin(brand_client, onepager, replacement):
    response = brand_client.post(reverse(f"{ADMIN}:retire", args=[onepager.pk]), {"replacement": replacement.pk})

    assert response.status_code == 302
    onepager.refresh_from_db()
    assert onepager.is_retired
    assert onepager.replacement == replacement


def test_admin_offers_only_templates_in_use_as_replacements(brand_client, onepager, replacement, brand_kit):
    draft = make_template(title="Unfinished draft", publish=False)

    response = brand_client.get(reverse(f"{ADMIN}:retire", args=[onepager.pk]))

    choices = {choice.instance.pk for choice, _ in response.context["form"].fields["replacement"].choices if choice}
    assert choices == {replacement.pk}
    assert draft.pk not in choices


def test_admin_refuses_a_crafted_replacement(brand_client, onepager, brand_kit):
    draft = make_template(title="Unfinished draft", publish=False)

    response = brand_client.post(reverse(f"{ADMIN}:retire", args=[onepager.pk]), {"replacement": draft.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["replacement"]
    onepager.refresh_from_db()
    assert not onepager.is_retired


def test_listing_shows_retired_templates(brand_client, onepager, brand_manager):
    template_retire(template=onepager, user=brand_manager)

    response = brand_client.get(reverse(f"{ADMIN}:list"))

    assert response.status_code == 200
    assert "retired" in response.content.decode()


def test_listing_filters_retired_templates(brand_client, onepager, replacement, brand_manager):
    template_retire(template=onepager, user=brand_manager)

    response = brand_client.get(reverse(f"{ADMIN}:list"), {"in_use": "retired"})

    titles = [template.title for template in response.context["object_list"]]
    assert titles == [onepager.title]


def test_edit_view_offers_retiring_and_says_when_retired(brand_client, onepager, brand_manager):
    retire_url = reverse(f"{ADMIN}:retire", args=[onepager.pk])
    before = brand_client.get(reverse(f"{ADMIN}:edit", args=[onepager.pk])).content.decode()
    template_retire(template=onepager, user=brand_manager)

    after = brand_client.get(reverse(f"{ADMIN}:edit", args=[onepager.pk])).content.decode()

    assert retire_url in before
    assert "Retire…" in before
    assert "Retired</strong> on" in after
    assert "Reinstate…" in after


def test_brand_manager_reinstates_a_template_in_admin(brand_client, onepager, brand_manager):
    template_retire(template=onepager, user=brand_manager)

    response = brand_client.post(reverse(f"{ADMIN}:reinstate", args=[onepager.pk]))

    assert response.status_code == 302
    onepager.refresh_from_db()
    assert not onepager.is_retired


def test_analyst_cannot_retire_in_admin(client, analyst, onepager):
    client.force_login(analyst)

    response = client.post(reverse(f"{ADMIN}:retire", args=[onepager.pk]), {})

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    onepager.refresh_from_db()
    assert not onepager.is_retired


def test_the_listings_in_use_filter_leaves_out_templates_that_go_live_later(brand_client, onepager, replacement):
    CollateralTemplate.objects.filter(pk=onepager.pk).update(go_live_at=timezone.now() + timedelta(days=2))

    response = brand_client.get(reverse(f"{ADMIN}:list"), {"in_use": "in_use"})

    titles = [template.title for template in response.context["object_list"]]
    assert titles == [replacement.title]


def test_the_in_use_rule_is_the_same_for_a_template_and_a_query(onepager, replacement, brand_manager):
    CollateralTemplate.objects.filter(pk=onepager.pk).update(go_live_at=timezone.now() + timedelta(days=2))
    template_retire(template=replacement, user=brand_manager)
    later = make_template(title="Expired")
    CollateralTemplate.objects.filter(pk=later.pk).update(expire_at=timezone.now() - timedelta(minutes=1))

    templates = list(CollateralTemplate.objects.all())

    in_use = set(CollateralTemplate.objects.in_use().values_list("pk", flat=True))
    assert in_use == {template.pk for template in templates if template.is_in_use}
    assert {t.title: t.not_in_use_reason for t in templates} == {
        onepager.title: "not live yet",
        replacement.title: "retired",
        "Expired": "expired",
    }
