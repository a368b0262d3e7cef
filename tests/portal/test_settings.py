import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "k3J9vQ2mX8pL5nR7tY1wZ4aB6cD0eF2gH9jK3lM5nP7qR1sT8uV4wX6yZ0aB2cD",
    "DJANGO_ALLOWED_HOSTS": "collateral.example.com",
    "DATABASE_URL": "sqlite:////tmp/lastmile-deploy-check.sqlite3",
    "LASTMILE_TRUSTED_PROXY_COUNT": "0",
}


def _manage(*args, env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "LASTMILE_"))}
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}

    result = _manage("check", env_overrides=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _manage("check", env_overrides={**PRODUCTION_ENV, "DJANGO_DEBUG": "true"})

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_production_refuses_to_start_without_an_explicit_trusted_proxy_count():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "LASTMILE_TRUSTED_PROXY_COUNT"}

    result = _manage("check", env_overrides=env)

    assert result.returncode != 0
    assert "LASTMILE_TRUSTED_PROXY_COUNT must be set" in result.stderr


def test_check_deploy_fails_behind_a_tls_proxy_when_no_proxy_is_trusted():
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)

    assert result.returncode != 0
    assert "lastmile.W001" in result.stdout + result.stderr


def test_check_deploy_is_clean_behind_a_tls_proxy_that_is_trusted():
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
        "LASTMILE_TRUSTED_PROXY_COUNT": "1",
    }

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_private_media_root_inside_the_media_root_stops_the_portal():
    env = {
        **PRODUCTION_ENV,
        "DJANGO_MEDIA_ROOT": "/srv/lastmile/media",
        "LASTMILE_PRIVATE_MEDIA_ROOT": "/srv/lastmile/media/private",
    }

    result = _manage("check", env_overrides=env)

    assert result.returncode != 0
    assert "lastmile.E001" in result.stdout + result.stderr


def test_the_private_media_root_may_sit_beside_the_media_root():
    env = {
        **PRODUCTION_ENV,
        "DJANGO_MEDIA_ROOT": "/srv/lastmile/media",
        "LASTMILE_PRIVATE_MEDIA_ROOT": "/srv/lastmile/private-media",
    }

    result = _manage("check", env_overrides=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_published_development_credentials_key():
    env = {**PRODUCTION_ENV, "LASTMILE_CREDENTIALS_KEYS": "ZGV2LW9ubHktbGFzdG1pbGUtY3JlZGVudGlhbHMtayE="}

    result = _manage("check", env_overrides=env)

    assert result.returncode != 0
    assert "LASTMILE_CREDENTIALS_KEYS holds a development key" in result.stderr
