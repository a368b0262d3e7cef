import pytest

from approvals.output import final_output
from approvals.services import document_create
from deals.services.events import record_delivery

from ..factories.deals import DealFactory, make_deal_template
from .crm_sync.standin import crm, standin  # noqa: F401 (fixtures: a CRM connection with a stand-in client)
from .share_fixtures import approved_onepager, downloadable, rep_deal, shared  # noqa: F401 (fixtures)

ACCOUNT = "Fjord Maritime ASA"


@pytest.fixture
def deal_template(db, brand_kit):
    """A one-pager whose call-to-action heading is the deal's account name."""
    return make_deal_template()


@pytest.fixture
def approved_document(deal_template, rep):
    """Approved by the rules: nothing in it needs review."""
    return document_create(template=deal_template, owner=rep, values={}, title="For Fjord", check_fit=False)


@pytest.fixture
def deal(rep):
    return DealFactory(owner=rep, name="Fjord fleet renewal", account_name=ACCOUNT)


def make_event(document, *, user, deal=None, channel="portal_pdf", delivered=b"%PDF-1.7 delivered", **kwargs):
    """A delivery event as the portal records one, without rendering (the bytes are made up)."""
    output = final_output(document, profile="print", deal=deal)
    return record_delivery(output=output, channel=channel, delivered=delivered, user=user, deal=deal, **kwargs)


@pytest.fixture
def event(approved_document, rep, deal):
    return make_event(approved_document, user=rep, deal=deal)
