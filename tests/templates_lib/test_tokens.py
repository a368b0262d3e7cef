from types import SimpleNamespace

from templates_lib.layouts import SlotType
from templates_lib.tokens import TOKEN_SOURCES, TokenContext, register_token_source, resolve_token


def test_a_later_feature_registers_a_token_source_without_touching_the_renderer():
    register_token_source("deal.account", "Deal account", {SlotType.TEXT}, sample="Acme")(
        lambda context: context.deal.account
    )
    try:
        context = TokenContext(user=SimpleNamespace(), deal=SimpleNamespace(account="Fjord Maritime"))

        assert resolve_token("deal.account", context) == "Fjord Maritime"
    finally:
        TOKEN_SOURCES.pop("deal.account")


def test_without_a_user_a_token_shows_its_sample():
    assert resolve_token("user.full_name", None) == "Alex Example"


def test_an_unknown_token_resolves_to_nothing():
    assert resolve_token("no.such.token", TokenContext(user=SimpleNamespace())) is None


def test_user_tokens_read_the_profile():
    user = SimpleNamespace(job_title="Partner Lead", phone="", email="p@example.com")

    assert resolve_token("user.job_title", TokenContext(user=user)) == "Partner Lead"
    assert resolve_token("user.phone", TokenContext(user=user)) == ""
