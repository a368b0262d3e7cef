from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import BrandKitForm
from .models import BrandFont, BrandKit

# The brand kit's settings form (swatches, contrast, CMYK that follows the hex): admin, not model.
BrandKit.edit_handler.base_form_class = BrandKitForm


class BrandFontViewSet(SnippetViewSet):
    model = BrandFont
    icon = "doc-full"
    menu_label = "Brand fonts"
    add_to_settings_menu = True
    list_display = ["family_name", "updated_at"]
    search_fields = ["family_name"]


register_snippet(BrandFontViewSet)
