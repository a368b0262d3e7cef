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

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ApprovalState, CollateralDocument, CollateralTemplate, DocumentUserGrant, TemplateGroupGrant


def sees_every_template(user) -> bool:
    return user.is_superuser or (
        not getattr(user, "organisation_id", None) and user.has_perm("templates_lib.view_collateraltemplate")
    )


def _is_signed_in_member(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is None or organisation.is_active


def templates_in_use() -> QuerySet[CollateralTemplate]:
    """Templates new documents may be made from: published, not retired, not expired and not
    scheduled to go live later. Checked against the clock, so a template whose `expire_at` has
    passed leaves the library before `publish_scheduled` gets round to marking it expired."""
    now = timezone.now()
    return (
        CollateralTemplate.objects.filter(live=True, expired=False, retired_at__isnull=True)
        .exclude(expire_at__lte=now)
        .exclude(go_live_at__gt=now)
    )


def templates_for_user(user) -> QuerySet[CollateralTemplate]:
    """Templates in use (see `templates_in_use`) this user may personalise."""
    if not _is_signed_in_member(user):
        return CollateralTemplate.objects.none()
    live = templates_in_use().select_related("live_revision")
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
    organisation = user.organisation
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
    return live.filter(audience)


def template_library(user, *, kind: str = "", tag: str = "", query: str = ""):
    """The library listing: filtered by kind and tag, searched by title and description."""
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
    ~100 ms at 2,000 templates (bench/library.py) for little gain in a filtered, paginated list."""
    from wagtail.search.backends import get_search_backend

    words = search_words(query)
    if not words:
        return templates.none()
    published = CollateralTemplate.objects.filter(live=True).only("pk")
    matches = [
        template.pk
        for template in get_search_backend().search(words, published, operator="and", order_by_relevance=False)
    ]
    return templates.filter(pk__in=matches) if matches else templates.none()


WORD = re.compile(r"\w+")


def search_words(query: str) -> str:
    """The words of a search, and nothing else. The search index only ever holds words, and the
    backends pass the query on as their own syntax: a lone `"` is an unterminated string to
    SQLite's FTS5, a NUL is refused by PostgreSQL. Punctuation and control characters never match
    anything, so they are dropped here rather than escaped for each backend."""
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", query)))


def library_tags(user) -> list[str]:
    from taggit.models import Tag

    return list(
        Tag.objects.filter(templates_lib_templatetag_items__content_object__in=templates_for_user(user))
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )


def documents_editable_by(user) -> QuerySet[CollateralDocument]:
    """Documents the user may change (edit, rename, share, delete): their own, not deleted."""
    if not _is_signed_in_member(user):
        return CollateralDocument.objects.none()
    return CollateralDocument.objects.owned_by(user).select_related("template", "template_revision", "owner")


def is_partner_manager(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and user.groups.filter(name="Partner managers").exists()


def documents_visible_without_review(user) -> QuerySet[CollateralDocument]:
    """Documents the user may open and download:
    - their own;
    - those a colleague of the same organisation shared with them (a django-guardian grant);
    - for a partner manager, every document of their organisation's members;
    - for internal users with the view permission (marketing analysts), every document, read-only.
    Partners never see beyond their organisation, whatever permissions they were given."""
    if not _is_signed_in_member(user):
        return CollateralDocument.objects.none()
    documents = CollateralDocument.objects.alive().select_related("template", "template_revision", "owner")
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None and (user.is_superuser or user.has_perm("templates_lib.view_collateraldocument")):
        return documents
    same_organisation = (
        Q(owner__organisation_id=organisation_id) if organisation_id else Q(owner__organisation__isnull=True)
    )
    shared = DocumentUserGrant.objects.filter(user=user, permission__codename="view_collateraldocument").values(
        "content_object_id"
    )
    visible = Q(owner=user) | (Q(pk__in=shared) & same_organisation)
    if organisation_id and is_partner_manager(user):
        visible |= Q(owner__organisation_id=organisation_id)
    return documents.filter(visible)


def document_list(
    user, *, query: str = "", order: str = "-updated_at", scope: str = "mine", state: str = ""
) -> QuerySet[CollateralDocument]:
    """ "mine": the user's own documents; "others": documents others share with them or, for partner
    managers and analysts, their organisation's or everyone's."""
    if scope == "others":
        documents = documents_visible_without_review(user).exclude(owner=user)
    else:
        documents = documents_editable_by(user)
    if query:
        documents = documents.filter(title__icontains=query)
    if state in ApprovalState.values:
        documents = documents.filter(approval_state=state)
    allowed = {"-updated_at", "updated_at", "title", "-title"}
    return documents.order_by(order if order in allowed else "-updated_at")
