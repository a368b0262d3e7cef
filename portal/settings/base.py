"""Settings shared by every environment, read from environment variables.

Defaults are the safe choice; `dev.py` and `test.py` relax them for a developer's
machine, `production.py` refuses to start without the secrets it needs.
Every variable is listed with a comment in `.env.example`.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts",
    "brand",
    "templates_lib",
    "approvals",
    "deals",
    "feedback",
    "reports",
    "portal",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "accounts.apps.LastmileUsersAppConfig",  # wagtail.users, with our user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs page's assets itself, nothing from a CDN
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.middleware.PrivateNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'lastmile.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the render worker write while the portal reads.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:library"
LOGOUT_REDIRECT_URL = "portal:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
# Sign-in throttling: failures per account, and per client address, within the window.
LASTMILE_LOGIN_MAX_FAILURES = int(env("LASTMILE_LOGIN_MAX_FAILURES", "5"))
LASTMILE_LOGIN_MAX_FAILURES_PER_ADDRESS = int(env("LASTMILE_LOGIN_MAX_FAILURES_PER_ADDRESS", "30"))
LASTMILE_LOGIN_WINDOW_SECONDS = int(env("LASTMILE_LOGIN_WINDOW_SECONDS", "900"))
# An address over its limit is slowed down, never refused: each further failure holds its next
# attempts this much longer, up to the maximum (seconds).
LASTMILE_LOGIN_ADDRESS_DELAY_SECONDS = float(env("LASTMILE_LOGIN_ADDRESS_DELAY_SECONDS", "1"))
LASTMILE_LOGIN_ADDRESS_MAX_DELAY_SECONDS = float(env("LASTMILE_LOGIN_ADDRESS_MAX_DELAY_SECONDS", "5"))
# Password reset: requests per client address, and emails per account, within the window.
LASTMILE_PASSWORD_RESET_MAX_PER_ADDRESS = int(env("LASTMILE_PASSWORD_RESET_MAX_PER_ADDRESS", "20"))
LASTMILE_PASSWORD_RESET_MAX_PER_ACCOUNT = int(env("LASTMILE_PASSWORD_RESET_MAX_PER_ACCOUNT", "3"))
LASTMILE_PASSWORD_RESET_WINDOW_SECONDS = int(env("LASTMILE_PASSWORD_RESET_WINDOW_SECONDS", "3600"))
# Number of reverse proxies in front of the portal whose X-Forwarded-For may be trusted (0: none).
LASTMILE_TRUSTED_PROXY_COUNT = int(env("LASTMILE_TRUSTED_PROXY_COUNT", "0"))
# Days an emailed invitation link to join a partner organisation stays valid.
LASTMILE_INVITATION_DAYS = int(env("LASTMILE_INVITATION_DAYS", "7"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Production's web server serves MEDIA_ROOT; the demo (one machine, no web server) has the portal serve it.
LASTMILE_SERVE_MEDIA = env_bool("LASTMILE_SERVE_MEDIA", False)
# Rendered PDFs are private: they live outside MEDIA_ROOT so no web server serves them.
RENDER_CACHE_ROOT = Path(env("LASTMILE_RENDER_CACHE_ROOT", str(BASE_DIR / "var" / "renders")))
# Users' uploads and partner logos (storage names under private/, and their renditions) live here,
# outside MEDIA_ROOT, so no web server serving MEDIA_ROOT can reach them; the portal serves them at
# LASTMILE_PRIVATE_MEDIA_URL to the people who may see them (brand.storage, portal.views.uploads).
LASTMILE_PRIVATE_MEDIA_ROOT = Path(env("LASTMILE_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private-media")))
LASTMILE_PRIVATE_MEDIA_URL = "/private-media/"

STORAGES = {
    "default": {"BACKEND": "brand.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "renders": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": RENDER_CACHE_ROOT, "base_url": None},
    },
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lastmile_cache",
    }
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "lastmile@localhost")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)

# Security headers: safe by default, relaxed only in dev/test.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin iframe, so SAMEORIGIN (not DENY) is
# deliberate; frames from other origins are still refused.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
if env("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (env("DJANGO_SECURE_PROXY_SSL_HEADER"), "https")

# Content Security Policy (django-csp, through portal.middleware). The portal runs no inline
# script at all: its two scripts are static files, and htmx is told not to eval or inject
# (meta htmx-config in portal/base.html). Styles may be inline: the brand colours are a <style>
# in every page, and the document previews are srcdoc iframes, which inherit this policy, with
# the layout's own <style>. Anything that is not one of our own files (or a data: image or font)
# is refused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Wagtail admin still needs inline script and style; everything else stays as strict as the portal,
# apart from Wagtail's avatars (Gravatar) and its new-version check.
LASTMILE_ADMIN_PATH = "/admin/"
LASTMILE_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", "www.gravatar.com"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, "https://releases.wagtail.org"],
        "frame-src": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Uploads: Django keeps bodies bounded; Wagtail and our own checks bound images.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "Lastmile"
# Offline installs make no request to Gravatar: users without an uploaded avatar get Wagtail's default one.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env("LASTMILE_BASE_URL", "http://localhost:8000")
WAGTAILIMAGES_IMAGE_MODEL = "brand.BrandImage"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_WORKFLOW_ENABLED = True
# Documents: an approved workflow publishes the submitted revision (approvals.finish).
WAGTAIL_FINISH_WORKFLOW_ACTION = "approvals.finish.finish_workflow"

# The approval loop
LASTMILE_REVIEW_REMINDER_HOURS = int(env("LASTMILE_REVIEW_REMINDER_HOURS", "48"))
# One-person brand teams only: let a reviewer decide their own submission (each such decision is audited).
LASTMILE_ALLOW_SELF_REVIEW = env_bool("LASTMILE_ALLOW_SELF_REVIEW", False)
LASTMILE_DRAFT_WATERMARK = "DRAFT – NOT APPROVED"

# Share links for prospects (deals.services.share_links)
LASTMILE_SHARE_LINK_DEFAULT_DAYS = int(env("LASTMILE_SHARE_LINK_DEFAULT_DAYS", "30"))
LASTMILE_SHARE_LINK_MAX_DAYS = int(env("LASTMILE_SHARE_LINK_MAX_DAYS", "90"))
LASTMILE_SHARE_LINK_OPENS_PER_LINK = int(env("LASTMILE_SHARE_LINK_OPENS_PER_LINK", "60"))
LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS = int(env("LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS", "300"))
LASTMILE_SHARE_LINK_RATE_WINDOW_SECONDS = int(env("LASTMILE_SHARE_LINK_RATE_WINDOW_SECONDS", "3600"))

# The REST API (ADR 19): requests per key per minute, the largest batch upsert, how long an
# Idempotency-Key's stored response is repeated, and a page's size.
LASTMILE_API_RATE = env("LASTMILE_API_RATE", "600/m")
LASTMILE_API_BATCH_MAX = int(env("LASTMILE_API_BATCH_MAX", "1000"))
LASTMILE_API_IDEMPOTENCY_HOURS = int(env("LASTMILE_API_IDEMPOTENCY_HOURS", "24"))
LASTMILE_API_PAGE_SIZE = int(env("LASTMILE_API_PAGE_SIZE", "100"))
LASTMILE_API_MAX_BODY_BYTES = int(env("LASTMILE_API_MAX_BODY_BYTES", str(2 * 1024 * 1024)))

# CRM connections (ADR 20): Fernet keys for credentials and webhook secrets at rest, comma-separated,
# the first encrypts (rotate: put a new key first, run `manage.py rotate_credentials`, then drop the
# old one). Webhook signatures older than this are refused; a webhook body is at most this big.
LASTMILE_CREDENTIALS_KEYS = [key for key in (env("LASTMILE_CREDENTIALS_KEYS", "") or "").split(",") if key.strip()]
LASTMILE_WEBHOOK_TOLERANCE_SECONDS = int(env("LASTMILE_WEBHOOK_TOLERANCE_SECONDS", "300"))
LASTMILE_WEBHOOK_MAX_BODY_BYTES = int(env("LASTMILE_WEBHOOK_MAX_BODY_BYTES", str(1024 * 1024)))
# Enabled CRM connections are polled this often by the worker (`manage.py sync_crm` for cron).
LASTMILE_CRM_SYNC_MINUTES = int(env("LASTMILE_CRM_SYNC_MINUTES", "15"))
# Write-back: attempts before giving up, and the first retry's delay (doubling; Retry-After wins).
LASTMILE_WRITEBACK_ATTEMPTS = int(env("LASTMILE_WRITEBACK_ATTEMPTS", "8"))
LASTMILE_WRITEBACK_RETRY_SECONDS = int(env("LASTMILE_WRITEBACK_RETRY_SECONDS", "60"))

# Background work (django-tasks). The database backend needs a worker: `manage.py lastmile_worker`.
TASKS = {
    "default": {
        "BACKEND": env("LASTMILE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A task that meets a transient database error ("database is locked", a dropped connection) runs
# again, this many times in all, before it ends failed (accounts/task_retry.py).
LASTMILE_TASK_ATTEMPTS = max(1, int(env("LASTMILE_TASK_ATTEMPTS", "4")))
# The longest wait between two tries, of a task or of the worker's loop (waits double from 1 s).
LASTMILE_RETRY_MAX_DELAY_SECONDS = float(env("LASTMILE_RETRY_MAX_DELAY_SECONDS", "60"))
# A task waiting longer than this means the worker is down or stuck: a download's "preparing" page
# stops waiting and says so (and /healthz/queue answers 503 while a task waits this long to start).
LASTMILE_QUEUE_STUCK_SECONDS = int(env("LASTMILE_QUEUE_STUCK_SECONDS", "300"))

# Rendering
LASTMILE_RENDER_PAGE_LIMIT = int(env("LASTMILE_RENDER_PAGE_LIMIT", "24"))
# Input bounds per field, checked before anything parses a value: rich-text fields count only
# visible characters against their own limit, so their markup is bounded here.
LASTMILE_FIELD_MAX_BYTES = int(env("LASTMILE_FIELD_MAX_BYTES", str(16 * 1024)))
LASTMILE_RICH_TEXT_MAX_TAGS = int(env("LASTMILE_RICH_TEXT_MAX_TAGS", "400"))
LASTMILE_RICH_TEXT_MAX_DEPTH = int(env("LASTMILE_RICH_TEXT_MAX_DEPTH", "8"))
# Every layout and render runs in a pool of render processes (templates_lib/rendering/isolation.py),
# each call with a wall-clock limit and each process with an address-space limit. The defaults fit
# the slowest legitimate layout (the 8-page brochure for print, about 2 s) with a wide margin.
LASTMILE_RENDER_ISOLATION = env_bool("LASTMILE_RENDER_ISOLATION", True)
LASTMILE_RENDER_PROCESSES = int(env("LASTMILE_RENDER_PROCESSES", "2"))
LASTMILE_RENDER_TIMEOUT_SECONDS = float(env("LASTMILE_RENDER_TIMEOUT_SECONDS", "20"))
LASTMILE_RENDER_MEMORY_MB = int(env("LASTMILE_RENDER_MEMORY_MB", "2048"))
LASTMILE_RENDER_QUEUE_SECONDS = float(env("LASTMILE_RENDER_QUEUE_SECONDS", "25"))
LASTMILE_MAX_DATA_URL_BYTES = int(env("LASTMILE_MAX_DATA_URL_BYTES", str(512 * 1024)))
LASTMILE_MAX_UPLOAD_IMAGE_BYTES = int(env("LASTMILE_MAX_UPLOAD_IMAGE_BYTES", str(8 * 1024 * 1024)))
LASTMILE_MAX_UPLOAD_IMAGE_PIXELS = int(env("LASTMILE_MAX_UPLOAD_IMAGE_PIXELS", "40000000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
LASTMILE_UPLOAD_COLLECTION = "User uploads"
WAGTAILIMAGES_IMAGE_FORM_BASE = "brand.forms.BrandImageForm"

# Deal CSV imports (deals/imports/, ADR 13): files are kept privately until their commit or cancel.
LASTMILE_IMPORT_ROOT = Path(env("LASTMILE_IMPORT_ROOT", "") or LASTMILE_PRIVATE_MEDIA_ROOT.parent / "deal-imports")
LASTMILE_IMPORT_MAX_BYTES = int(env("LASTMILE_IMPORT_MAX_BYTES", str(64 * 1024 * 1024)))
LASTMILE_IMPORT_MAX_ROWS = int(env("LASTMILE_IMPORT_MAX_ROWS", "200000"))
LASTMILE_IMPORT_MAX_COLUMNS = int(env("LASTMILE_IMPORT_MAX_COLUMNS", "200"))
LASTMILE_IMPORT_MAX_FIELD_CHARS = int(env("LASTMILE_IMPORT_MAX_FIELD_CHARS", "10000"))
# Files up to this size are previewed and committed within the request; larger ones by the task worker.
LASTMILE_IMPORT_INLINE_BYTES = int(env("LASTMILE_IMPORT_INLINE_BYTES", str(512 * 1024)))
