"""Deal token sources: a document made for a deal names the prospect without anyone typing it.

Deal data comes from a CRM, an import or a rep's typing: it is plain text, escaped by the renderer
like every token value, never markup and never a fetch."""

from templates_lib.layouts import SlotType
from templates_lib.tokens import TokenContext, register_token_source


def _deal_text(attribute: str):
    def resolve(context: TokenContext) -> str:
        return str(getattr(context.deal, attribute, "") or "") if context.deal is not None else ""

    return resolve


register_token_source("deal.account_name", "Deal's account (company) name", {SlotType.TEXT}, sample="Prospect Ltd")(
    _deal_text("account_name")
)
register_token_source("deal.contact_name", "Deal's contact name", {SlotType.TEXT}, sample="Sam Prospect")(
    _deal_text("contact_name")
)
register_token_source("deal.name", "Deal's name", {SlotType.TEXT}, sample="Prospect Ltd — Annual plan")(
    _deal_text("name")
)
register_token_source("deal.close_quarter", "Deal's close quarter", {SlotType.TEXT}, sample="Q3 2026")(
    _deal_text("close_quarter")
)
