"""The cost of recording a delivery: the cached final PDF download through the portal, with its
event written (the real view) against the same download with `record_delivery` replaced by a no-op.
Assumes Django is set up on a migrated database with the demo loaded (bench/deals.py does that)."""

import statistics
from unittest import mock

RUNS = 200


def _approved_document_and_owner():
    from approvals.output import final_output_refusal
    from templates_lib.models import CollateralDocument

    for document in CollateralDocument.objects.select_related("owner").order_by("pk"):
        if not final_output_refusal(document):
            return document, document.owner
    raise SystemExit("The demo has no approved document to download.")


def _timed(client, url: str, runs: int) -> list[float]:
    import time

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200 or not body.startswith(b"%PDF"):
            raise SystemExit(f"The download answered {response.status_code}, not a PDF.")
    return times


def run_download_benchmark(runs: int = RUNS) -> dict:
    from django.test import Client
    from django.urls import reverse

    from deals.models import DeliveryEvent

    document, owner = _approved_document_and_owner()
    client = Client()
    client.force_login(owner)
    url = reverse("portal:document-pdf", args=[document.public_id]) + "?profile=digital&deal=none"
    _timed(client, url, 3)  # render once into the cache, warm everything up

    without, recorded = [], []
    events_before = DeliveryEvent.objects.count()
    for _ in range(2 * runs):  # interleaved, request by request, so drift on the machine falls on both sides
        with mock.patch("portal.views.downloads.record_delivery", return_value=None):
            without += _timed(client, url, 1)
        recorded += _timed(client, url, 1)
    written = DeliveryEvent.objects.count() - events_before
    paired = [with_event - plain for with_event, plain in zip(recorded, without, strict=True)]

    figures = {
        "document": document.title,
        "runs": len(recorded),
        "without_event_median_ms": statistics.median(without),
        "with_event_median_ms": statistics.median(recorded),
        "event_overhead_median_ms": statistics.median(recorded) - statistics.median(without),
        "event_overhead_paired_median_ms": statistics.median(paired),
        "with_event_p90_ms": statistics.quantiles(recorded, n=10)[-1],
        "events_written": written,
    }
    print(
        f"cached final PDF download ({figures['runs']} runs each): "
        f"{figures['without_event_median_ms']:.2f} ms median without the event, "
        f"{figures['with_event_median_ms']:.2f} ms with it "
        f"(overhead {figures['event_overhead_median_ms']:.2f} ms; median of the paired differences "
        f"{figures['event_overhead_paired_median_ms']:.2f} ms; target under 3 ms); "
        f"{figures['events_written']} events written"
    )
    return figures
