"""System checks for deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxy_count_check(app_configs, **kwargs):
    """Behind a TLS proxy (SECURE_PROXY_SSL_HEADER set) with no proxy trusted, every request comes
    from the proxy's address: sign-in throttling would count the whole user base as one client."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.LASTMILE_TRUSTED_PROXY_COUNT <= 0:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER says the portal runs behind a proxy, but LASTMILE_TRUSTED_PROXY_COUNT is 0, "
                "so every client has the proxy's address and sign-in and password-reset limits treat everyone as "
                "one client.",
                hint="Set LASTMILE_TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
                "(usually 1).",
                id="lastmile.W001",
            )
        ]
    return []
