"""The REST API under /api/v1/ (django-ninja, ADR 19): thin callers of deals' selectors and
services, authenticated by API keys, throttled per key, errors as RFC 9457 problem details."""
