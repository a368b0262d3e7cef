from django.conf import settings
from django.http import HttpRequest

from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from ..models import ApiKey
from ..services.api_keys import api_key_authenticate


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer lm_…`: a usable key, or 401."""

    openapi_description = "An API key made in Wagtail admin (Settings → API keys) or by `manage.py create_api_key`."

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return api_key_authenticate(token)


class PerKeyThrottle(AuthRateThrottle):
    """LASTMILE_API_RATE requests per key (by its prefix), counted in the shared cache."""

    scope = "api-key"

    def __init__(self) -> None:
        super().__init__(settings.LASTMILE_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read per request, so a changed setting applies without a restart (and in tests).
        self.rate = settings.LASTMILE_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        api_key = getattr(request, "auth", None)
        ident = api_key.prefix if isinstance(api_key, ApiKey) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
