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
