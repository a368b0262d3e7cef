import pytest

from deals.models import ShareRateCounter
from deals.services import share_throttle
from deals.services.share_throttle import share_rate_counters_prune, share_request_allowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_window(settings):
    settings.LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS = 2
    settings.LASTMILE_SHARE_LINK_RATE_WINDOW_SECONDS = 60


def test_an_address_is_refused_past_its_limit_within_a_window(two_per_window):
    answers = [share_request_allowed(address="203.0.113.9") for _ in range(3)]

    assert answers == [True, True, False]


def test_other_addresses_keep_their_own_count(two_per_window):
    share_request_allowed(address="203.0.113.9")
    share_request_allowed(address="203.0.113.9")

    assert share_request_allowed(address="198.51.100.7") is True


def test_the_count_starts_again_in_the_next_window(two_per_window, monkeypatch):
    monkeypatch.setattr(share_throttle.time, "time", lambda: 6_000.0)
    for _ in range(3):
        share_request_allowed(address="203.0.113.9")

    monkeypatch.setattr(share_throttle.time, "time", lambda: 6_060.0)

    assert share_request_allowed(address="203.0.113.9") is True
    assert ShareRateCounter.objects.get().hits == 1


def test_pruning_forgets_ended_windows_only(two_per_window, monkeypatch):
    monkeypatch.setattr(share_throttle.time, "time", lambda: 6_000.0)
    share_request_allowed(address="203.0.113.9")
    monkeypatch.setattr(share_throttle.time, "time", lambda: 6_060.0)
    share_request_allowed(address="198.51.100.7")

    assert share_rate_counters_prune() == 1
    assert ShareRateCounter.objects.get().slot == 101
