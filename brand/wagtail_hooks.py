from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import BrandFont


class BrandFontViewSet(SnippetViewSet):
    model = BrandFont
    icon = "doc-full"
    menu_label = "Brand fonts"
    add_to_settings_menu = True
    list_display = ["family_name", "updated_at"]
    search_fields = ["family_name"]


register_snippet(BrandFontViewSet)
