"""Token sources: named providers of values a user never types.

A token field names a source key such as `user.full_name`. Later features (deals,
partner organisations) register their own sources here; the renderer only ever calls
`resolve_token`, so it does not change when sources are added.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .layouts import SlotType


@dataclass(frozen=True)
class TokenContext:
    """What token sources may read: the person the document is for, and later deal and organisation."""

    user: Any = None
    organisation: Any = None
    deal: Any = None


@dataclass(frozen=True)
class TokenSource:
    key: str
    label: str
    slot_types: frozenset[SlotType]
    resolve: Callable[[TokenContext], Any]
    sample: Any = ""


TOKEN_SOURCES: dict[str, TokenSource] = {}


def register_token_source(
    key: str, label: str, slot_types: set[SlotType], sample: Any = ""
) -> Callable[[Callable[[TokenContext], Any]], Callable[[TokenContext], Any]]:
    def decorator(resolve: Callable[[TokenContext], Any]) -> Callable[[TokenContext], Any]:
        TOKEN_SOURCES[key] = TokenSource(key, label, frozenset(slot_types), resolve, sample)
        return resolve

    return decorator


def token_choices() -> list[tuple[str, str]]:
    return [(source.key, source.label) for source in TOKEN_SOURCES.values()]


def resolve_token(key: str, context: TokenContext | None) -> Any:
    """The value of a token for this context; the source's sample when there is no one to ask
    (a template preview), and empty when the source is unknown or has nothing."""
    source = TOKEN_SOURCES.get(key)
    if source is None:
        return None
    if context is None or context.user is None:
        return source.sample
    value = source.resolve(context)
    return value if value is not None else ""


def _user_attr(name: str) -> Callable[[TokenContext], Any]:
    return lambda context: getattr(context.user, name, "") or ""


register_token_source("user.full_name", "User's name", {SlotType.TEXT}, sample="Alex Example")(
    lambda context: context.user.get_full_name() or context.user.get_username()
)
register_token_source("user.job_title", "User's job title", {SlotType.TEXT}, sample="Account Executive")(
    _user_attr("job_title")
)
register_token_source("user.phone", "User's phone", {SlotType.TEXT}, sample="+44 20 7946 0000")(_user_attr("phone"))
register_token_source("user.email", "User's email", {SlotType.TEXT}, sample="alex@example.com")(_user_attr("email"))
register_token_source("user.photo", "User's photo", {SlotType.IMAGE}, sample=None)(
    lambda context: getattr(context.user, "photo_id", None)
)


@register_token_source(
    "user.contact",
    "User's contact card",
    {SlotType.CONTACT},
    sample={
        "name": "Alex Example",
        "title": "Account Executive",
        "phone": "+44 20 7946 0000",
        "email": "alex@example.com",
    },
)
def _user_contact(context: TokenContext) -> dict:
    user = context.user
    return {
        "name": user.get_full_name() or user.get_username(),
        "title": getattr(user, "job_title", ""),
        "phone": getattr(user, "phone", ""),
        "email": user.email,
    }


@dataclass(frozen=True)
class NameInsteadOfLogo:
    """An image token with no approved image: the layout shows this name in the logo's place."""

    name: str


def _organisation(context: TokenContext):
    return context.organisation if context.organisation is not None else getattr(context.user, "organisation", None)


@register_token_source("organisation.name", "Partner organisation's name", {SlotType.TEXT}, sample="Partner Company")
def _organisation_name(context: TokenContext) -> str:
    organisation = _organisation(context)
    return organisation.name if organisation else ""


ORGANISATION_LOGO = "organisation.logo"


@register_token_source(
    ORGANISATION_LOGO, "Partner organisation's logo (its name until approved)", {SlotType.IMAGE}, sample=None
)
def _organisation_logo(context: TokenContext):
    organisation = _organisation(context)
    if organisation is None:
        return None
    if organisation.logo_id and organisation.is_logo_approved:
        return organisation.logo_id
    return NameInsteadOfLogo(organisation.name)


@register_token_source(
    "organisation.contact",
    "Partner organisation's contact details",
    {SlotType.CONTACT},
    sample={"name": "Partner Company", "title": "", "phone": "+1 555 0100", "email": "hello@partner.example"},
)
def _organisation_contact(context: TokenContext) -> dict:
    organisation = _organisation(context)
    if organisation is None:
        return {}
    return {
        "name": organisation.contact_name or organisation.name,
        "title": organisation.name if organisation.contact_name else "",
        "phone": organisation.contact_phone,
        "email": organisation.contact_email,
        "website": organisation.contact_website,
    }
