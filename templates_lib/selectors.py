"""Reads scoped to what the requesting user may see. Every portal list and lookup goes through
these; views never filter by hand.

Template audience:
- brand managers, administrators and marketing analysts see every published template;
- internal users see templates for all internal users, and those for their region;
- partner users (of an active organisation) see templates shared with their organisation, and
  those for their organisation's tier.
"""

import re
import unicodedata

from django.db.models import Max, Q, QuerySet

from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.search.backends import get_search_backend

from accounts.models import Organisation, User
from brand.models import UploadReview

from .field_locks import LockMode
from .layouts import Kind
from .models import CollateralDocument, CollateralTemplate, TemplateField, TemplateGroupGrant, TemplateTag


def sees_every_template(user: User) -> bool:
    return user.is_superuser or (
        not getattr(user, "organisation_id", None) and user.has_perm("templates_lib.view_collateraltemplate")
    )


def is_signed_in_member(user: User) -> bool:
    """Active, and in no organisation or an active one: anyone else sees nothing."""
    if not user.is_authenticated or not user.is_active:
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is None or organisation.is_active


def templates_for_user(user: User) -> QuerySet[CollateralTemplate]:
    """Templates in use (`CollateralTemplateQuerySet.in_use`) this user may personalise."""
    if not is_signed_in_member(user):
        return CollateralTemplate.objects.none()
    live = CollateralTemplate.objects.in_use().select_related("live_revision")
    if sees_every_template(user):
        return live
    if user.organisation_id is None:
        audience = Q(audience_internal=True)
        if user.region_id:
            audience |= Q(
                pk__in=CollateralTemplate.audience_regions.through.objects.filter(region_id=user.region_id).values(
                    "collateraltemplate_id"
                )
            )
        return live.filter(audience)
    return live.filter(_organisation_audience(user.organisation))


def templates_for_organisation(organisation: Organisation) -> QuerySet[CollateralTemplate]:
    """Templates in use that a partner organisation's members may personalise (its API keys read
    these): shared with its group, or meant for its tier."""
    if not organisation.is_active:
        return CollateralTemplate.objects.none()
    return (
        CollateralTemplate.objects.in_use().select_related("live_revision").filter(_organisation_audience(organisation))
    )


def _organisation_audience(organisation: Organisation) -> Q:
    shared = TemplateGroupGrant.objects.filter(
        group_id=organisation.members_group_id, permission__codename="use_collateraltemplate"
    ).values("content_object_id")
    audience = Q(pk__in=shared) if organisation.members_group_id else Q(pk__in=[])
    if organisation.tier_id:
        audience |= Q(
            pk__in=CollateralTemplate.audience_tiers.through.objects.filter(tier_id=organisation.tier_id).values(
                "collateraltemplate_id"
            )
        )
    return audience


def template_library(user: User, *, kind: str = "", tag: str = "", query: str = "") -> QuerySet[CollateralTemplate]:
    """The library listing: filtered by kind and tag, searched by title, description, tags and kind."""
    templates = templates_for_user(user).prefetch_related("tags").order_by("title")
    if kind:
        templates = templates.filter(kind=kind)
    if tag:
        templates = templates.filter(tags__name=tag).distinct()
    if query:
        return _search_within(templates, query)
    return templates


def _search_within(templates: QuerySet[CollateralTemplate], query: str) -> QuerySet[CollateralTemplate]:
    """Wagtail search finds the published templates that match; the user's scoped queryset decides
    which of them come back, so search never reveals a template outside the user's audience.
    Results keep the library's title order: relevance scoring over every published template cost
    ~100 ms at 2,000 templates (bench/library.py) for little gain in a filtered, paginated list.
    A template also matches when every word is found, as the start of a word or inside one, in its
    title, description, one of its tags or its kind's name ("meeting" finds a template tagged "client
    meeting", "flyers" the event flyers): the index matches whole words only and does not hold the kind."""
    words = search_words(query).split()[:MAX_SEARCH_WORDS]
    if not words:
        return templates.none()
    published = CollateralTemplate.objects.filter(live=True).only("pk")
    indexed = [
        template.pk
        for template in get_search_backend().search(
            " ".join(words), published, operator="and", order_by_relevance=False
        )
    ]
    every_word = Q()
    for word in words:
        every_word &= _word_matches(word)
    return templates.filter(Q(pk__in=indexed) | every_word)


# A search is at most 200 characters (portal.forms); its first words are plenty, and bound the query.
MAX_SEARCH_WORDS = 8


def _word_matches(word: str) -> Q:
    """Templates one search word finds outside the index: in title, description or a tag, or the
    template's kind. A plural finds the singular ("renewals" finds "renewal")."""
    stem = word[:-1] if len(word) > 3 and word.casefold().endswith("s") else word
    tagged = TemplateTag.objects.filter(tag__name__icontains=stem).values("content_object_id")
    return (
        Q(title__icontains=stem)
        | Q(description__icontains=stem)
        | Q(pk__in=tagged)
        | Q(kind__in=[kind for kind, label in Kind.choices if _names(stem, label)])
    )


def _names(word: str, label: str) -> bool:
    """Whether `word` starts one of the words of a kind's name ("pager", "one", "flyer", "broch")."""
    word = word.casefold()
    return any(part.startswith(word) for part in WORD.findall(label.casefold()))


def recently_used_templates(user: User, *, limit: int = 4) -> list[CollateralTemplate]:
    """The library's "Recently used" row: templates the user may still use that their own documents
    were made from, the one whose document they changed last first (a download needs a document,
    so the documents say it all)."""
    return list(
        templates_for_user(user)
        .filter(documents__owner=user, documents__deleted_at__isnull=True)
        .annotate(last_used_at=Max("documents__updated_at"))
        .order_by("-last_used_at", "title")[:limit]
    )


def images_for_field(field: TemplateField, user: User | None) -> QuerySet:
    """Images `user` may pick for an image field: those in the field's approved collection and, for
    an image field that takes uploads, the user's own uploads. The validation service and the
    editor's picker both ask this."""
    allowed = Q(collection_id=field.collection_id) if field.collection_id else Q(pk__in=[])
    if field.lock_mode == LockMode.IMAGE and field.allow_upload and user is not None and user.is_authenticated:
        allowed |= Q(uploaded_by_user=user) & ~Q(review_state=UploadReview.NOT_AN_UPLOAD)
    return get_image_model().objects.filter(allowed)


WORD = re.compile(r"\w+")


def search_words(query: str) -> str:
    """The words of a search, and nothing else. The search index only ever holds words, and the
    backends pass the query on as their own syntax: a lone `"` is an unterminated string to
    SQLite's FTS5, a NUL is refused by PostgreSQL. Punctuation and control characters never match
    anything, so they are dropped here rather than escaped for each backend."""
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", query)))


def library_tags(user: User) -> list[str]:
    return list(
        Tag.objects.filter(templates_lib_templatetag_items__content_object__in=templates_for_user(user))
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )


def documents_editable_by(user: User) -> QuerySet[CollateralDocument]:
    """Documents the user may change (edit, rename, share, delete): their own, not deleted."""
    if not is_signed_in_member(user):
        return CollateralDocument.objects.none()
    return CollateralDocument.objects.owned_by(user).select_related("template", "template_revision", "owner")
