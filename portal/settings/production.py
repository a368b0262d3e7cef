"""Production: every secret must come from the environment; refuses to start otherwise."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEBUG, SECRET_KEY

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
