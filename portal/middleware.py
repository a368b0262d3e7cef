"""Response headers the portal sets by where a request went, not view by view."""

from django.conf import settings

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two policies: `CONTENT_SECURITY_POLICY` (strict: no inline script) for the
    portal and everything else, and `LASTMILE_ADMIN_CONTENT_SECURITY_POLICY` for Wagtail admin,
    whose pages still carry inline scripts. A response that already has a policy (Wagtail's
    served documents: default-src 'none') keeps it."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(settings.LASTMILE_ADMIN_PATH):
            parts.config = default_config(settings.LASTMILE_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


# Pages that show a user's own content besides the document routes: the editor before a document
# exists (it redisplays what was typed) and its live preview.
PRIVATE_TEMPLATE_ROUTES = frozenset({"template-personalise", "template-preview"})


def is_private_route(url_name: str | None) -> bool:
    """Every portal route about documents (`documents`, `document-*`: lists, editor, previews,
    PDFs, PNGs, status) and the editor routes of a template."""
    return bool(url_name) and (
        url_name == "documents" or url_name.startswith("document-") or url_name in PRIVATE_TEMPLATE_ROUTES
    )


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response of a private route, whatever its status
    or type: no shared cache or browser disk cache keeps a user's documents, drafts, PDFs or
    PNGs, or what the REST API answered. Template thumbnails show only a template's default content and keep their own
    (private, one-hour) caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.namespace == "portal" and is_private_route(match.url_name):
            response["Cache-Control"] = "private, no-store"
        elif match is not None and match.namespace == "api-v1":
            response["Cache-Control"] = "private, no-store"  # a key's data, in any cache, is a leak
        return response
