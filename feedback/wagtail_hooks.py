"""Field feedback in Wagtail admin: each admin module registers its own viewsets and menu items."""

from .admin import nominations as _nominations_admin  # noqa: F401 - template nominations (brand team decides)
from .admin import priority as _priority_admin  # noqa: F401 - priority deals (read-only list for marketing)
from .admin import ratings as _ratings_admin  # noqa: F401 - template ratings (read-only)
from .admin import requests as _requests_admin  # noqa: F401 - template requests (triage)
