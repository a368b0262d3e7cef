"""Reads scoped to what the requesting user may see. Every portal list and lookup goes through
these; the organisations issue narrows them (audiences, partner isolation) in this one place."""

from django.db.models import QuerySet

from .models import CollateralTemplate, Customisation


def templates_for_user(user) -> QuerySet[CollateralTemplate]:
    """Published templates this user may personalise (every internal user, for now)."""
    if not user.is_authenticated or not user.is_active:
        return CollateralTemplate.objects.none()
    return CollateralTemplate.objects.filter(live=True).select_related("live_revision")


def template_library(user, *, kind: str = "", tag: str = "", query: str = ""):
    """The library listing: filtered by kind and tag, searched by title and description."""
    templates = templates_for_user(user).prefetch_related("tags").order_by("title")
    if kind:
        templates = templates.filter(kind=kind)
    if tag:
        templates = templates.filter(tags__name=tag).distinct()
    if query:
        from wagtail.search.backends import get_search_backend

        return get_search_backend().search(query, templates, operator="and")
    return templates


def library_tags(user) -> list[str]:
    from taggit.models import Tag

    return list(
        Tag.objects.filter(templates_lib_templatetag_items__content_object__in=templates_for_user(user))
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )


def customisations_for_user(user) -> QuerySet[Customisation]:
    """Documents the user may open: their own, not deleted."""
    if not user.is_authenticated or not user.is_active:
        return Customisation.objects.none()
    return Customisation.objects.owned_by(user).select_related("template", "template_revision", "owner")


def customisation_list(user, *, query: str = "", order: str = "-updated_at") -> QuerySet[Customisation]:
    documents = customisations_for_user(user)
    if query:
        documents = documents.filter(title__icontains=query)
    allowed = {"-updated_at", "updated_at", "title", "-title"}
    return documents.order_by(order if order in allowed else "-updated_at")
