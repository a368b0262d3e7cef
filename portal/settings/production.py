"""Production: every secret must come from the environment; refuses to start otherwise."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEBUG, LASTMILE_CREDENTIALS_KEYS, SECRET_KEY

if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters.")
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names the portal serves.")
if "LASTMILE_TRUSTED_PROXY_COUNT" not in os.environ:
    # Sign-in and password-reset limits key on the client address: a wrong count either lumps
    # every user together (0 behind a proxy) or trusts addresses clients invent (too many).
    raise ImproperlyConfigured(
        "LASTMILE_TRUSTED_PROXY_COUNT must be set: the number of reverse proxies in front of the portal "
        "that append to X-Forwarded-For (0 when clients connect directly)."
    )

# The development and test settings carry fixed credential keys (published in this repository):
# CRM credentials sealed with one of them are as good as plain text. No key at all is allowed
# (the portal runs without CRM connections and says so when one is set up).
_PUBLISHED_CREDENTIAL_KEYS = {
    "ZGV2LW9ubHktbGFzdG1pbGUtY3JlZGVudGlhbHMtayE=",
    "dGVzdC1vbmx5LWxhc3RtaWxlLWNyZWRlbnRpYWxzLWs=",
}
if _PUBLISHED_CREDENTIAL_KEYS.intersection(key.strip() for key in LASTMILE_CREDENTIALS_KEYS):
    raise ImproperlyConfigured(
        "LASTMILE_CREDENTIALS_KEYS holds a development key: make one with `manage.py rotate_credentials --new-key`."
    )
