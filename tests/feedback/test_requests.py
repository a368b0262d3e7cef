"""Template requests: asking, "me too" and its undo, triage and who is told, demand order, and the
organisation boundary."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from accounts.roles import Role
from approvals.models import Notification, NotificationKind
from brand.models import BrandImage
from deals.models import Outcome
from feedback.models import RequestStatus, RequestSupport, TemplateRequest
from feedback.selectors.requests import demand_for, request_list, requests_visible_to
from feedback.services.requests import (
    RequestAccessError,
    RequestError,
    request_decide,
    request_support_add,
    request_support_withdraw,
)

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member
from ..factories.brand import png_bytes
from ..factories.deals import DealFactory
from ..factories.feedback import make_request


@pytest.fixture
def colleague(roles):
    user = UserFactory(username="colleague", first_name="Lee", last_name="Park")
    user.groups.add(roles[Role.SALES_REP])
    return user


@pytest.fixture
def other_partner(roles):
    user = partner_member(OrganisationFactory(name="Other Partners"), username="other")
    user.groups.add(roles[Role.PARTNER_USER])
    return user


def test_a_request_starts_open_with_the_requesters_own_support_and_deal(rep):
    deal = DealFactory(owner=rep)

    request = make_request(rep, deal=deal)

    assert request.status == RequestStatus.OPEN
    assert request.organisation_id is None
    assert list(request.supports.values_list("user_id", "deal_id")) == [(rep.pk, deal.pk)]


def test_a_partners_request_belongs_to_their_organisation(partner_user, partner_organisation):
    request = make_request(partner_user)

    assert request.organisation_id == partner_organisation.pk


def test_a_change_request_needs_the_template_to_change(rep):
    with pytest.raises(RequestError) as caught:
        make_request(rep, kind="change")

    assert "template" in caught.value.errors
    assert not TemplateRequest.objects.exists()


def test_a_change_request_for_a_template_the_user_cannot_see_is_refused(onepager, partner_user):
    with pytest.raises(RequestAccessError):
        make_request(partner_user, kind="change", template=onepager)


def test_a_deal_the_requester_cannot_see_is_refused(rep, colleague):
    with pytest.raises(RequestAccessError):
        make_request(rep, deal=DealFactory(owner=colleague))

    assert not TemplateRequest.objects.exists()


def test_an_empty_title_and_purpose_are_refused_with_messages(rep):
    with pytest.raises(RequestError) as caught:
        make_request(rep, title="  ", purpose="")

    assert set(caught.value.errors) == {"title", "purpose"}


def test_the_example_image_is_stored_through_the_safe_upload_path(rep):
    upload = SimpleUploadedFile("mine.png", png_bytes(), "image/png")

    request = make_request(rep, example_image=upload)

    image = BrandImage.objects.get(pk=request.example_image_id)
    assert image.uploaded_by_user == rep
    assert image.file.name.startswith("private/uploads/")


def test_an_example_that_is_not_an_image_stores_nothing(rep):
    upload = SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>", "image/png")

    with pytest.raises(RequestError) as caught:
        make_request(rep, example_image=upload)

    assert "example_image" in caught.value.errors
    assert not TemplateRequest.objects.exists()
    assert not BrandImage.objects.filter(uploaded_by_user=rep).exists()


def test_me_too_adds_a_support_with_the_deal(rep, colleague):
    request = make_request(rep)
    deal = DealFactory(owner=colleague)

    request_support_add(request=request, by=colleague, deal=deal, note="For Fjord")

    assert request.supports.get(user=colleague).deal == deal


def test_me_too_twice_is_refused(rep, colleague):
    request = make_request(rep)
    request_support_add(request=request, by=colleague)

    with pytest.raises(RequestError, match="already"):
        request_support_add(request=request, by=colleague)

    assert request.supports.count() == 2


def test_me_too_on_a_closed_request_is_refused(rep, colleague, brand_manager):
    request = make_request(rep)
    request_decide(request=request, by=brand_manager, status=RequestStatus.DECLINED, reason="Out of scope")

    with pytest.raises(RequestError, match="declined"):
        request_support_add(request=request, by=colleague)


def test_a_partner_cannot_me_too_another_organisations_request(partner_user, other_partner):
    request = make_request(partner_user)

    with pytest.raises(RequestAccessError):
        request_support_add(request=request, by=other_partner)

    assert request.supports.count() == 1


def test_a_partners_me_too_deal_must_be_one_they_can_see(partner_user, partner_organisation, roles):
    request = make_request(partner_user)
    teammate = partner_member(partner_organisation)
    teammate.groups.add(roles[Role.PARTNER_USER])
    their_deal = DealFactory(owner=partner_user)

    with pytest.raises(RequestAccessError):
        request_support_add(request=request, by=teammate, deal=their_deal)

    assert not request.supports.filter(user=teammate).exists()


def test_an_internal_rep_cannot_me_too_a_partners_request(partner_user, rep):
    request = make_request(partner_user)

    with pytest.raises(RequestAccessError):
        request_support_add(request=request, by=rep)


def test_withdrawing_a_me_too_removes_only_that_support(rep, colleague):
    request = make_request(rep)
    request_support_add(request=request, by=colleague)

    request_support_withdraw(request=request, by=colleague)

    assert list(request.supports.values_list("user_id", flat=True)) == [rep.pk]


def test_the_requester_cannot_withdraw_their_own_support(rep):
    request = make_request(rep)

    with pytest.raises(RequestError):
        request_support_withdraw(request=request, by=rep)

    assert request.supports.count() == 1


def test_declining_needs_a_reason(rep, brand_manager):
    request = make_request(rep)

    with pytest.raises(RequestError) as caught:
        request_decide(request=request, by=brand_manager, status=RequestStatus.DECLINED, reason="  ")

    assert "decision_reason" in caught.value.errors
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_done_needs_the_template_that_answers_it(rep, brand_manager):
    request = make_request(rep)

    with pytest.raises(RequestError) as caught:
        request_decide(request=request, by=brand_manager, status=RequestStatus.DONE)

    assert "answered_by" in caught.value.errors


def test_done_records_the_answering_template_and_who_decided(rep, brand_manager, onepager):
    request = make_request(rep)

    request_decide(request=request, by=brand_manager, status=RequestStatus.DONE, answered_by=onepager)

    request.refresh_from_db()
    assert (request.status, request.answered_by, request.decided_by) == (RequestStatus.DONE, onepager, brand_manager)
    assert request.decided_at is not None


def test_a_rep_cannot_triage(rep, colleague):
    request = make_request(rep)

    with pytest.raises(PermissionError):
        request_decide(request=request, by=colleague, status=RequestStatus.ACCEPTED)


def test_each_decision_notifies_the_requester_and_each_me_too_once_after_commit(
    rep, colleague, brand_manager, django_capture_on_commit_callbacks
):
    request = make_request(rep)
    request_support_add(request=request, by=colleague)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_decide(request=request, by=brand_manager, status=RequestStatus.ACCEPTED, reason="On it")
        assert not Notification.objects.exists()
    for callback in callbacks:
        callback()

    sent = Notification.objects.filter(kind=NotificationKind.REQUEST)
    assert sorted(sent.values_list("recipient__username", flat=True)) == ["colleague", "rep"]
    assert sent.first().url == f"/requests/{request.public_id}/"
    assert "accepted" in sent.first().title


def test_the_person_who_decides_is_not_notified(rep, brand_manager, django_capture_on_commit_callbacks):
    request = make_request(rep)
    request_support_add(request=request, by=brand_manager)

    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=request, by=brand_manager, status=RequestStatus.DECLINED, reason="Covered already")

    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [rep.pk]
    assert Notification.objects.get().body == "Covered already"


def test_saving_without_a_change_tells_no_one(rep, brand_manager, django_capture_on_commit_callbacks):
    request = make_request(rep)

    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=request, by=brand_manager, status=RequestStatus.OPEN)

    assert not Notification.objects.exists()


def test_partners_see_only_their_organisations_requests(partner_user, other_partner, rep):
    own = make_request(partner_user, title="Ours")
    make_request(other_partner, title="Theirs")
    make_request(rep, title="Internal")

    assert list(requests_visible_to(partner_user)) == [own]


def test_internal_users_see_only_internal_requests(partner_user, rep):
    internal = make_request(rep, title="Internal")
    make_request(partner_user, title="Partner")

    assert list(requests_visible_to(rep)) == [internal]


def test_demand_counts_each_open_deal_once_and_never_adds_across_currencies(rep, colleague, roles):
    shared_deal = DealFactory(owner=rep, amount=Decimal("1000"), currency="EUR")
    request = make_request(rep, deal=shared_deal)
    request_support_add(
        request=request, by=colleague, deal=DealFactory(owner=colleague, amount=Decimal("500"), currency="usd")
    )
    third = UserFactory()
    third.groups.add(roles[Role.SALES_REP])
    request_support_add(request=request, by=third, deal=DealFactory(owner=third, amount=Decimal("250"), currency="EUR"))

    demand = demand_for([request.pk])[request.pk]

    assert demand.open_deals == 3
    assert demand.totals == (("EUR", Decimal("1250")), ("USD", Decimal("500")))
    assert demand.totals_label == "EUR 1,250; USD 500"


def test_won_lost_and_deleted_deals_are_not_demand(rep, colleague, roles):
    request = make_request(rep, deal=DealFactory(owner=rep, outcome=Outcome.WON))
    deleted = DealFactory(owner=colleague)
    request_support_add(request=request, by=colleague, deal=deleted)
    deleted.deleted_at = deleted.created_at
    deleted.save(update_fields=["deleted_at"])

    assert demand_for([request.pk])[request.pk].open_deals == 0


def test_requests_are_listed_by_the_open_deals_behind_them(rep, colleague):
    few = make_request(rep, title="Few deals")
    many = make_request(rep, title="Many deals", deal=DealFactory(owner=rep))
    request_support_add(request=many, by=colleague, deal=DealFactory(owner=colleague))
    request_support_add(request=few, by=colleague)

    titles = [request.title for request in request_list(rep)]

    assert titles == ["Many deals", "Few deals"]


def test_request_support_rows_keep_the_supporters_organisation(partner_user, partner_organisation, roles):
    teammate = partner_member(partner_organisation)
    teammate.groups.add(roles[Role.PARTNER_USER])
    request = make_request(partner_user)

    request_support_add(request=request, by=teammate)

    assert set(RequestSupport.objects.values_list("organisation_id", flat=True)) == {partner_organisation.pk}
