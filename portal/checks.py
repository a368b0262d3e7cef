"""System checks: for deployment (`manage.py check --deploy`), and where private files live."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


@register(Tags.security)
def private_media_root_check(app_configs, **kwargs):
    """Users' uploads are private because they live outside every folder a web server serves: a
    private root inside MEDIA_ROOT or STATIC_ROOT would put them back in reach of the proxy."""
    private = Path(settings.LASTMILE_PRIVATE_MEDIA_ROOT).resolve()
    errors = []
    for setting in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = Path(getattr(settings, setting)).resolve()
        if private == public or public in private.parents:
            errors.append(
                Error(
                    f"LASTMILE_PRIVATE_MEDIA_ROOT ({private}) is inside {setting} ({public}), which a web server "
                    "serves: users' uploads and partner logos would be public.",
                    hint="Give LASTMILE_PRIVATE_MEDIA_ROOT a folder outside the media and static folders, "
                    "e.g. /srv/lastmile/private-media.",
                    id="lastmile.E001",
                )
            )
    return errors
