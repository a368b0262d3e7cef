"""Share links for tests: an approved document of the rep's, one of the rep's deals, and a link
made through the service (the token returned, as the owner would copy it)."""

import pytest

from deals.services.share_links import CreatedShareLink, share_link_create

from ..factories.approvals import make_document
from ..factories.deals import DealFactory


@pytest.fixture
def approved_onepager(onepager, rep):
    """A one-pager with the template's own words: approved by the brand rules, so final output may leave."""
    return make_document(onepager, rep, title="Forecasting one-pager")


@pytest.fixture
def rep_deal(rep):
    return DealFactory(owner=rep, name="Acme renewal", account_name="Acme Corp")


def make_share_link(document, owner, *, deal=None, **kwargs) -> CreatedShareLink:
    kwargs.setdefault("recipient_name", "Pat Prospect")
    return share_link_create(
        document=document, created_by=owner, deal_public_id=deal.public_id if deal else None, **kwargs
    )


@pytest.fixture
def shared(approved_onepager, rep, rep_deal) -> CreatedShareLink:
    """A view-only link to the approved document for the rep's deal."""
    return make_share_link(approved_onepager, rep, deal=rep_deal)


@pytest.fixture
def downloadable(approved_onepager, rep, rep_deal) -> CreatedShareLink:
    return make_share_link(approved_onepager, rep, deal=rep_deal, allow_download=True, recipient_name="Dee Download")
