"""The review queue's place in Wagtail admin: a "Reviews" menu item showing how much waits, and a
dashboard panel with the counts and the documents waiting longest."""

from django.urls import reverse

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import LinkMenuItem

from ..selectors import is_brand_reviewer, review_queue
from .access import counts_for

OLDEST_SHOWN = 5


class ReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_brand_reviewer(request.user)

    def render_component(self, request):
        total = counts_for(request).total
        label = f"{self.label} ({total})" if total else self.label
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class ReviewQueuePanel(Component):
    name = "lastmile_review_queue"
    order = 50
    template_name = "approvals/home/review_queue_panel.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {
            "counts": counts_for(request),
            "oldest": list(review_queue(request.user)[:OLDEST_SHOWN]),
            "queue_url": reverse("approvals_admin:queue"),
            "logos_url": reverse("approvals_admin:logos"),
            "uploads_url": reverse("approvals_admin:uploads"),
        }

    def render_html(self, parent_context=None):
        if not is_brand_reviewer(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)
