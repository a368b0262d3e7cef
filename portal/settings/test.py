"""The test suite: no real secrets, fast hashing, in-memory cache, tasks run at once."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-secret-key")
os.environ.setdefault(
    "LASTMILE_CREDENTIALS_KEYS", "dGVzdC1vbmx5LWxhc3RtaWxlLWNyZWRlbnRpYWxzLWs="
)  # test only: never a real CRM
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Every test process gets its own upload and render folders, removed by tests/conftest.py.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Render processes (spawned, see templates_lib/rendering/isolation.py) import these settings again:
# they find the same folder through the environment instead of making their own.
TEST_FILES_ROOT = Path(os.environ.get("LASTMILE_TEST_FILES_ROOT") or tempfile.mkdtemp(prefix="lastmile-tests-"))
os.environ["LASTMILE_TEST_FILES_ROOT"] = str(TEST_FILES_ROOT)
MEDIA_ROOT = TEST_FILES_ROOT / "media"
LASTMILE_PRIVATE_MEDIA_ROOT = TEST_FILES_ROOT / "private-media"
RENDER_CACHE_ROOT = TEST_FILES_ROOT / "renders"
STORAGES["renders"]["OPTIONS"]["location"] = RENDER_CACHE_ROOT  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
STATIC_ROOT = TEST_FILES_ROOT / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
LASTMILE_IMPORT_ROOT = TEST_FILES_ROOT / "deal-imports"
