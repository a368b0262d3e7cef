"""Template ratings in Wagtail admin: marketing reads every rating and its comment, with the
template's average and n beside it. Read-only: ratings are the field's words, not ours to edit."""

from django.urls import path, reverse

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from ..models import Rating
from ..selectors.ratings import FIGURES_DAYS, rating_summaries, ratings_for_admin, recent_downloads


class ReadOnlyRatingPolicy(ModelPermissionPolicy):
    """Viewing is the only action there is, for whoever holds the view permission."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


register_permission_policy(Rating, ReadOnlyRatingPolicy(Rating))


class RatingFilterSet(WagtailFilterSet):
    stars = django_filters.ChoiceFilter(choices=[(n, str(n)) for n in range(1, 6)])
    has_comment = django_filters.BooleanFilter(label="Has a comment", method="filter_has_comment")

    class Meta:
        model = Rating
        fields = ["template", "stars", "organisation"]

    def filter_has_comment(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(comment="") if value else queryset.filter(comment="")


class RatingIndexView(IndexView):
    def get_base_queryset(self):
        return ratings_for_admin()

    def get_table(self, object_list):
        object_list = list(object_list)
        template_ids = {rating.template_id for rating in object_list}
        summaries = rating_summaries(template_ids)
        downloads = recent_downloads(template_ids)
        reports_url = self.request.user.has_perm("reports.view_reports")
        for rating in object_list:
            summary = summaries.get(rating.template_id)
            rating.template_figures = f"{summary.average_label} (n = {summary.count})" if summary else "–"
            rating.template_downloads = downloads.get(rating.template_id, 0)
            rating.template_report_url = reverse("reports_template", args=[rating.template_id]) if reports_url else ""
        return super().get_table(object_list)


class RatingViewSet(ModelViewSet):
    model = Rating
    icon = "pick"
    menu_label = "Template ratings"
    menu_order = 30
    index_view_class = RatingIndexView
    filterset_class = RatingFilterSet
    search_fields = ["comment"]
    list_display = [
        TitleColumn("template", label="Template", get_url=lambda rating: rating.template_report_url or None),
        Column("stars", label="Stars"),
        Column("comment", label="Comment"),
        Column("template_figures", label="Template average (n)", accessor="template_figures"),
        Column(
            "template_downloads", label=f"Template downloads, last {FIGURES_DAYS} days", accessor="template_downloads"
        ),
        "user",
        "organisation",
        "updated_at",
    ]
    list_export = ["template", "stars", "comment", "user", "organisation", "updated_at"]
    export_filename = "template-ratings"
    form_fields = ["stars", "comment"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


rating_viewset = RatingViewSet("template_ratings")
