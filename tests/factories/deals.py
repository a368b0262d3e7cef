import datetime
from decimal import Decimal

from django.utils import timezone

import factory

from deals.models import Connection, Deal, Outcome, Source, Stage, StageMapping

from .accounts import UserFactory
from .templates_lib import changed_fields, make_template


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stage {n}")
    sort_order = factory.Sequence(lambda n: n)
    category = Outcome.OPEN


def company_stages() -> dict[str, Stage]:
    """A small company vocabulary: two open stages (one qualified), won and lost."""
    return {
        "prospecting": StageFactory(name="Prospecting", sort_order=10),
        "proposal": StageFactory(name="Proposal", sort_order=20, is_qualified=True),
        "won": StageFactory(name="Closed Won", sort_order=90, category=Outcome.WON, is_qualified=True),
        "lost": StageFactory(name="Closed Lost", sort_order=91, category=Outcome.LOST),
    }


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    name = factory.Sequence(lambda n: f"CRM {n}")
    kind = Source.CSV


def map_stage(connection: Connection, value: str, stage: Stage) -> StageMapping:
    return StageMapping.objects.create(connection=connection, value=value, stage=stage)


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    name = factory.Sequence(lambda n: f"Deal {n}")
    account_name = factory.Sequence(lambda n: f"Prospect {n} Ltd")
    contact_name = "Sam Prospect"
    contact_email = "sam@prospect.example"
    amount = Decimal("12500.00")
    currency = "EUR"
    expected_close_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    owner = factory.SubFactory(UserFactory)
    source = Source.MANUAL

    @factory.lazy_attribute
    def organisation(self):
        return self.owner.organisation if self.owner is not None else None


def make_deal_template():
    """A one-pager whose call-to-action heading is the deal's account name (a deal token)."""
    return make_template(
        title="Deal one-pager", fields=changed_fields({"cta_heading": {"token_source": "deal.account_name"}})
    )
