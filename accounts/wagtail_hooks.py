"""Organisations, regions and tiers in Wagtail admin, for brand managers and administrators, and
the audit actions of invitations and members."""

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_forms import OrganisationAdminForm
from .audit import register_actions
from .models import Organisation, Region, Tier


class OrganisationFilterSet(WagtailFilterSet):
    class Meta:
        model = Organisation
        fields = ["region", "tier", "is_active", "is_logo_approved"]


class OrganisationViewSet(ModelViewSet):
    """Edit handler built with the organisation form, so members can be managed here."""

    model = Organisation
    icon = "group"
    menu_label = "Partner organisations"
    list_display = ["name", "region", "tier", "is_active", "is_logo_approved"]
    filterset_class = OrganisationFilterSet
    search_fields = ["name", "contact_name", "contact_email"]
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("region"), FieldPanel("tier"), FieldPanel("is_active")]),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("is_logo_approved")], heading="Co-branding logo"),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("contact_website"),
            ],
            heading="Contact details",
        ),
        FieldPanel("member_emails"),
    ]
    edit_handler = ObjectList(panels, base_form_class=OrganisationAdminForm)


class RegionViewSet(ModelViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "code"]
    form_fields = ["name", "code"]
    search_fields = ["name", "code"]


class TierViewSet(ModelViewSet):
    model = Tier
    icon = "pick"
    list_display = ["name", "rank"]
    form_fields = ["name", "rank"]


class PartnersGroup(ViewSetGroup):
    menu_label = "Partners"
    menu_icon = "group"
    menu_order = 300
    items = (OrganisationViewSet, RegionViewSet, TierViewSet)


@hooks.register("register_admin_viewset")
def register_partner_viewsets():
    return PartnersGroup()


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    register_actions(actions)
