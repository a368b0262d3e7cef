"""The demo `bin/run-demo` serves: as production serves, on one machine.

Debug is off (a visitor gets the portal's own 404 and 500 pages, never Django's debug pages with
the URL list or settings), static files come from `collectstatic`'s output through WhiteNoise with
the hashed manifest, and only this machine's host names are answered. What a laptop cannot have is
relaxed: plain HTTP, the console for mail, the published development credential key, and the
media folder (brand logos and images) served by the portal itself.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "demo-only-insecure-secret-key-change-me")
os.environ.setdefault(
    "LASTMILE_CREDENTIALS_KEYS", "ZGV2LW9ubHktbGFzdG1pbGUtY3JlZGVudGlhbHMtayE="
)  # demo only: never a real CRM
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
os.environ.setdefault("LASTMILE_SERVE_MEDIA", "true")

from .base import *  # noqa: F403

# Never from the environment: DJANGO_DEBUG=true left in a shell must not turn the demo's debug pages back on.
DEBUG = False
