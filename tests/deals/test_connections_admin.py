"""CRM connections in Wagtail admin (deals/admin/connections.py): the status page, test and sync,
write-only credentials, webhook secrets, the sync options, and who may do what.

The CRM is a stand-in client registered in deals.crm.base.CLIENTS for Salesforce and HubSpot, so
nothing here reaches a network."""

import logging
import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from deals.credentials import seal
from deals.crm import base as crm_base
from deals.crm.base import CredentialField, CrmAuthError, Page, RemoteDeal
from deals.models import (
    Connection,
    Deal,
    Source,
    SyncRun,
    SyncState,
    SyncTrigger,
    WebhookSecret,
    Writeback,
    WritebackState,
)
from deals.services.connections import credentials_stored, webhook_secret_create

from ..factories.accounts import UserFactory
from ..factories.deals import ConnectionFactory, company_stages, map_stage
from ..queue import outside_transaction
from ..refusals import assert_admin_refused, messages_of

SECRET = "sk-live-Qv7tN2pXcR9wLm4z"
OTHER_SECRET = "sk-live-Hb3kT8yUe1oPa6sD"
PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQ-key-material-7781\n-----END PRIVATE KEY-----"


class StandInClient:
    """A CRM client as deals/crm/base.py describes one, answering from class attributes that a
    test changes with monkeypatch."""

    credential_fields = [
        CredentialField("domain", "My Domain", help_text="Like acme.my.example."),
        CredentialField("client_id", "Consumer key"),
        CredentialField("client_secret", "Consumer secret", secret=True),
        CredentialField("private_key", "Private key", secret=True, multiline=True, required=False),
        CredentialField("region", "Region", choices=(("eu", "Europe"), ("us", "United States")), required=False),
    ]
    account_id = "00D5e000000TESTAAA"
    failure: Exception | None = None
    pages_to_send: list[Page] = []

    @classmethod
    def credential_problems(cls, values: dict) -> list[str]:
        domain = values.get("domain") or ""
        return [] if domain.endswith(".my.example") else ["Enter the My Domain, like acme.my.example."]

    def __init__(self, connection, credentials: dict) -> None:
        self.credentials = credentials

    def check(self) -> str:
        if self.failure:
            raise self.failure
        return self.account_id

    def pages(self, state: dict):
        yield from self.pages_to_send

    def fetch(self, external_ids: list[str]) -> list[RemoteDeal]:
        return []


@pytest.fixture(autouse=True)
def stand_in_crm(monkeypatch):
    for kind in (Source.SALESFORCE, Source.HUBSPOT):
        monkeypatch.setitem(crm_base.CLIENTS, kind, f"{__name__}.StandInClient")
    return StandInClient


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _stored(**values) -> str:
    return seal({"domain": "acme.my.example", "client_id": "3MVG9-consumer", "client_secret": SECRET} | values)


@pytest.fixture
def crm(db):
    """A Salesforce connection with credentials, sync on, and never synced."""
    return ConnectionFactory(
        name="Salesforce EMEA", kind=Source.SALESFORCE, credentials_sealed=_stored(), sync_enabled=True
    )


@pytest.fixture
def bare_crm(db):
    return ConnectionFactory(name="HubSpot Nordics", kind=Source.HUBSPOT)


def _status(client, connection) -> str:
    response = client.get(reverse("connection:inspect", args=[connection.pk]))
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def _messages(response) -> list[str]:
    """The messages left for the next page, as text (Wagtail renders them as HTML)."""
    return [message.strip() for message in messages_of(response)]


def _status_word(page: str) -> str:
    found = re.search(r'<p class="lm-health">\s*<span class="w-status[^"]*"\s*>\s*(.*?)\s*</span>', page, re.S)
    return found.group(1) if found else ""


def _credentials_form(**values) -> dict:
    return {"domain": "acme.my.example", "client_id": "3MVG9-consumer", "client_secret": "", "private_key": ""} | values


def _run(connection, minutes_ago: int = 5, **fields) -> SyncRun:
    started = timezone.now() - timedelta(minutes=minutes_ago)
    return SyncRun.objects.create(
        connection=connection,
        trigger=fields.pop("trigger", SyncTrigger.SCHEDULE),
        state=fields.pop("state", SyncState.SUCCEEDED),
        started_at=started,
        finished_at=started + timedelta(seconds=fields.pop("seconds", 42)),
        **fields,
    )


# --- The status page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "word"),
    [
        (Source.CSV, {}, "Imports only"),
        (Source.SALESFORCE, {}, "Not set up"),
        (Source.SALESFORCE, {"credentials_sealed": "set", "sync_lease_until": "future"}, "Syncing"),
        (Source.SALESFORCE, {"credentials_sealed": "set", "last_error": "The token expired."}, "Failing"),
        (Source.SALESFORCE, {"credentials_sealed": "set", "sync_enabled": False}, "Sync off"),
        (Source.SALESFORCE, {"credentials_sealed": "set", "sync_enabled": True}, "Waiting for first sync"),
        (Source.SALESFORCE, {"credentials_sealed": "set", "sync_enabled": True, "last_success_at": "past"}, "Healthy"),
    ],
)
def test_status_page_names_the_state_in_one_word(admin_client, kind, fields, word):
    now = timezone.now()
    values = {"future": now + timedelta(minutes=5), "past": now - timedelta(minutes=3), "set": _stored()}
    connection = ConnectionFactory(kind=kind, **{name: values.get(value, value) for name, value in fields.items()})

    page = _status(admin_client, connection)

    assert _status_word(page) == word


def test_status_word_is_also_in_the_listing(admin_client, crm):
    ConnectionFactory(name="Old CSV", kind=Source.CSV)

    page = admin_client.get(reverse("connection:index")).content.decode()

    assert "Waiting for first sync" in page
    assert "Imports only" in page


def test_last_successful_sync_says_how_long_ago(admin_client, crm):
    Connection.objects.filter(pk=crm.pk).update(last_success_at=timezone.now() - timedelta(minutes=12))

    page = _status(admin_client, crm)

    assert "12 minutes ago" in page


def test_last_error_is_shown_in_plain_words_with_its_time(admin_client, crm):
    Connection.objects.filter(pk=crm.pk).update(
        last_error="Salesforce refused the credentials: the consumer secret was changed.",
        last_error_at=timezone.now() - timedelta(minutes=3),
    )

    page = _status(admin_client, crm)

    assert "Failing" in page
    assert "Last error, 3 minutes ago" in page
    assert "Salesforce refused the credentials: the consumer secret was changed." in page


def test_latest_sync_shows_its_counts(admin_client, crm):
    _run(crm, created=4, changed=7, unchanged=120, deleted=1, skipped=2)

    page = _status(admin_client, crm)

    for count, label in [(4, "Created"), (7, "Updated"), (120, "Unchanged"), (1, "Deleted"), (2, "Skipped")]:
        assert f'<span class="lm-counts__n">{count}</span> {label}' in page


def test_latest_sync_names_skipped_deals_and_unmapped_stages_with_a_link_to_map_them(admin_client, crm):
    _run(
        crm,
        skipped=1,
        problems={"skipped": ["006A1: Contact email: not an email address"], "unmapped_stages": {"Negotiation": 3}},
    )

    page = _status(admin_client, crm)

    assert "006A1: Contact email: not an email address" in page
    assert "<code>Negotiation</code> — 3 deals" in page
    assert f"/admin/stagemapping/new/?connection={crm.pk}&amp;value=Negotiation" in page


def test_the_map_it_link_opens_the_mapping_form_filled_in(admin_client, crm):
    response = admin_client.get(reverse("stagemapping:add"), {"connection": crm.pk, "value": "Negotiation"})

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["connection"].value(), form["value"].value()) == (str(crm.pk), "Negotiation")


def test_recent_syncs_lists_the_last_ten_with_trigger_and_duration(admin_client, crm):
    for minutes in range(12):
        _run(crm, minutes_ago=10 + minutes, trigger=SyncTrigger.MANUAL, seconds=65)

    page = _status(admin_client, crm)

    assert page.count("<td>Sync now</td>") == 10
    assert "1 min 5 s" in page


def test_a_failed_run_shows_its_error_in_the_history(admin_client, crm):
    _run(crm, state=SyncState.FAILED, error="HubSpot asked us to slow down; the next sync resumes.")

    page = _status(admin_client, crm)

    assert "HubSpot asked us to slow down; the next sync resumes." in page


def test_before_any_sync_the_page_says_so(admin_client, crm):
    page = _status(admin_client, crm)

    assert "No sync has run yet." in page
    assert "No activity written or waiting yet." in page
    assert "Last successful sync</dt>\n          <dd>Never" in page


def test_write_back_summary_counts_waiting_and_given_up_with_the_latest_error(admin_client, crm, event):
    Writeback.objects.create(
        connection=crm, event=event, state=WritebackState.FAILED, last_error="The deal was deleted in Salesforce."
    )

    page = _status(admin_client, crm)

    assert '<span class="lm-counts__n">1</span> Gave up' in page
    assert '<span class="lm-counts__n">0</span> Waiting' in page
    assert "The deal was deleted in Salesforce." in page


def test_a_csv_connection_has_no_sync_panels_and_no_buttons(admin_client):
    connection = ConnectionFactory(kind=Source.CSV)

    page = _status(admin_client, connection)

    assert "it has nothing to sync" in page
    assert "Sync now" not in page
    assert "Webhooks" not in page


def test_webhook_urls_are_built_from_the_base_url_and_the_public_id(admin_client, crm, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.com/"

    page = _status(admin_client, crm)

    assert f'value="https://portal.example.com/webhooks/{crm.public_id}/"' in page
    assert f'value="https://portal.example.com/webhooks/{crm.public_id}/salesforce/"' in page
    assert "/hubspot/" not in page


def test_analyst_sees_the_status_without_the_buttons_that_reach_the_crm(client, analyst, crm):
    client.force_login(analyst)

    page = _status(client, crm)

    assert "Waiting for first sync" in page
    assert ">Test connection</button>" not in page
    assert ">Sync now</button>" not in page
    assert "Webhooks" not in page
    assert reverse("connection:credentials", args=[crm.pk]) not in page


# --- Test connection and Sync now --------------------------------------------------------------


def test_test_connection_says_which_account_it_reached_and_keeps_its_id(admin_client, crm):
    response = admin_client.post(reverse("connection:test", args=[crm.pk]))

    assert response.status_code == 302
    assert _messages(response) == ["Connected to Salesforce: account 00D5e000000TESTAAA."]
    assert Connection.objects.get(pk=crm.pk).remote_account_id == "00D5e000000TESTAAA"


def test_a_failed_test_gives_the_crms_reason_in_plain_words(admin_client, crm, monkeypatch):
    monkeypatch.setattr(StandInClient, "failure", CrmAuthError("Salesforce refused the consumer key."))

    response = admin_client.post(reverse("connection:test", args=[crm.pk]))

    assert _messages(response) == ["The test failed: Salesforce refused the consumer key."]
    assert Connection.objects.get(pk=crm.pk).remote_account_id == ""


def test_test_without_credentials_says_to_add_them(admin_client, bare_crm):
    response = admin_client.post(reverse("connection:test", args=[bare_crm.pk]))

    assert response.status_code == 302
    assert "no credentials yet" in _messages(response)[0]


def test_an_unexpected_error_in_the_client_is_a_message_not_an_error_page(admin_client, crm, monkeypatch):
    monkeypatch.setattr(StandInClient, "failure", KeyError("records"))

    response = admin_client.post(reverse("connection:test", args=[crm.pk]))

    assert response.status_code == 302
    assert _messages(response) == ["The test stopped on an unexpected error; the server log has the details."]


def test_test_connection_is_a_post_only(admin_client, crm):
    response = admin_client.get(reverse("connection:test", args=[crm.pk]))

    assert response.status_code == 405


@outside_transaction
def test_sync_now_queues_one_sync_for_the_worker(task_queue, admin_client, crm):
    from django_tasks_db.models import DBTaskResult

    response = admin_client.post(reverse("connection:sync", args=[crm.pk]))

    assert _messages(response) == ["Sync queued. Its result appears on this page when it finishes."]
    queued = DBTaskResult.objects.filter(task_path="deals.services.crm_sync.sync_connection")
    assert [task.args_kwargs["args"] for task in queued] == [[crm.pk, SyncTrigger.MANUAL]]
    assert not SyncRun.objects.exists()


def test_sync_now_is_refused_without_credentials(admin_client, bare_crm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(reverse("connection:sync", args=[bare_crm.pk]))

    assert queued == []
    assert _messages(response) == ["Add the credentials before syncing: there is nothing to sync with yet."]


def test_sync_now_runs_and_its_counts_show_on_the_page(
    admin_client, crm, monkeypatch, django_capture_on_commit_callbacks
):
    map_stage(crm, "Closed Won", company_stages()["won"])
    monkeypatch.setattr(
        StandInClient,
        "pages_to_send",
        [
            Page(
                deals=[
                    RemoteDeal(external_id="006A", name="Fjord renewal", stage="Closed Won", close_date="2026-03-01"),
                    RemoteDeal(external_id="006B", name="Kestrel pilot", stage="Negotiation"),
                    RemoteDeal(external_id="006C", name="Broken", contact_email="not an email"),
                ],
                state={"cursor": "1"},
            )
        ],
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("connection:sync", args=[crm.pk]))
    page = _status(admin_client, crm)

    assert set(Deal.objects.filter(connection=crm).values_list("external_id", flat=True)) == {"006A", "006B"}
    assert '<span class="lm-counts__n">2</span> Created' in page
    assert '<span class="lm-counts__n">1</span> Skipped' in page
    assert "<code>Negotiation</code> — 1 deal" in page
    assert "006C: " in page
    assert "Healthy" in page


# --- Credentials -------------------------------------------------------------------------------


def test_credentials_are_saved_sealed(admin_client, admin_user, bare_crm):
    response = admin_client.post(
        reverse("connection:credentials", args=[bare_crm.pk]), _credentials_form(client_secret=SECRET, region="eu")
    )

    assert response.status_code == 302
    bare_crm.refresh_from_db()
    assert SECRET not in bare_crm.credentials_sealed
    assert "3MVG9-consumer" not in bare_crm.credentials_sealed
    assert credentials_stored(bare_crm) == {
        "domain": "acme.my.example",
        "client_id": "3MVG9-consumer",
        "client_secret": SECRET,
        "region": "eu",
    }
    entry = ModelLogEntry.objects.get(action="lastmile.connection.credentials_set")
    assert (entry.object_id, entry.user_id) == (str(bare_crm.pk), admin_user.pk)
    assert SECRET not in str(entry.data)


def test_a_blank_secret_keeps_the_stored_one(admin_client, crm):
    response = admin_client.post(
        reverse("connection:credentials", args=[crm.pk]), _credentials_form(client_id="3MVG9-new-key")
    )

    assert response.status_code == 302
    crm.refresh_from_db()
    assert credentials_stored(crm)["client_secret"] == SECRET
    assert credentials_stored(crm)["client_id"] == "3MVG9-new-key"


def test_the_page_never_shows_a_stored_secret(admin_client, crm):
    Connection.objects.filter(pk=crm.pk).update(credentials_sealed=_stored(private_key=PRIVATE_KEY))

    page = admin_client.get(reverse("connection:credentials", args=[crm.pk])).content.decode()

    assert SECRET not in page
    assert "MIIEvQ-key-material-7781" not in page
    assert page.count("Set — leave blank to keep.") == 2
    assert 'value="3MVG9-consumer"' in page


def test_the_credentials_page_is_never_cached(admin_client, crm):
    response = admin_client.get(reverse("connection:credentials", args=[crm.pk]))

    assert "no-store" in response["Cache-Control"]


def test_a_refused_save_keeps_what_was_typed_but_not_the_secrets(admin_client, crm):
    response = admin_client.post(
        reverse("connection:credentials", args=[crm.pk]),
        _credentials_form(domain="acme.salesforce.example", client_id="3MVG9-typed", client_secret=OTHER_SECRET),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the My Domain, like acme.my.example." in page
    assert "Secret fields are never sent back to the page: type them again." in page
    assert 'value="acme.salesforce.example"' in page
    assert 'value="3MVG9-typed"' in page
    assert OTHER_SECRET not in page
    assert SECRET not in page
    crm.refresh_from_db()
    assert credentials_stored(crm)["client_id"] == "3MVG9-consumer"


def test_a_multiline_secret_is_not_echoed_after_a_form_error(admin_client, bare_crm):
    response = admin_client.post(
        reverse("connection:credentials", args=[bare_crm.pk]),
        _credentials_form(client_id="", client_secret=SECRET, private_key=PRIVATE_KEY),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert SECRET not in page
    assert "MIIEvQ-key-material-7781" not in page
    assert not Connection.objects.get(pk=bare_crm.pk).has_credentials


def test_a_problem_message_that_repeats_a_secret_is_shown_without_it(admin_client, bare_crm, monkeypatch):
    monkeypatch.setattr(
        StandInClient, "credential_problems", classmethod(lambda cls, values: [f"{values['client_secret']} is wrong."])
    )

    response = admin_client.post(
        reverse("connection:credentials", args=[bare_crm.pk]), _credentials_form(client_secret=SECRET)
    )

    page = response.content.decode()
    assert "[hidden] is wrong." in page
    assert SECRET not in page


def test_nothing_of_the_credentials_is_logged_or_in_messages(admin_client, crm, caplog):
    caplog.set_level(logging.DEBUG)

    saved = admin_client.post(
        reverse("connection:credentials", args=[crm.pk]), _credentials_form(client_secret=OTHER_SECRET)
    )
    refused = admin_client.post(
        reverse("connection:credentials", args=[crm.pk]), _credentials_form(domain="x", client_secret=SECRET)
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert OTHER_SECRET not in caplog.text
    assert SECRET not in caplog.text
    assert not any(OTHER_SECRET in message for message in _messages(saved))


def test_a_crash_while_saving_leaves_the_credentials_out_of_the_error_report(admin_user, crm, monkeypatch, caplog):
    def broken_seal(values):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("deals.services.connections.seal", broken_seal)
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)

    response = client.post(
        reverse("connection:credentials", args=[crm.pk]),
        _credentials_form(client_secret=OTHER_SECRET, private_key=PRIVATE_KEY),
    )

    assert response.status_code == 500
    reporter = ExceptionReporter(response.wsgi_request, *response.exc_info)
    report = reporter.get_traceback_text() + reporter.get_traceback_html()
    assert "the disk is full" in report
    assert OTHER_SECRET not in report
    assert SECRET not in report
    assert "MIIEvQ-key-material-7781" not in report
    assert OTHER_SECRET not in caplog.text


def test_removing_credentials_asks_first(admin_client, crm):
    response = admin_client.get(reverse("connection:credentials_remove", args=[crm.pk]))

    assert response.status_code == 200
    assert "Yes, remove them" in response.content.decode()
    assert Connection.objects.get(pk=crm.pk).has_credentials


def test_removing_credentials_turns_sync_off_and_is_audited(admin_client, crm):
    response = admin_client.post(reverse("connection:credentials_remove", args=[crm.pk]))

    assert response.status_code == 302
    crm.refresh_from_db()
    assert (crm.credentials_sealed, crm.sync_enabled) == ("", False)
    assert ModelLogEntry.objects.filter(
        action="lastmile.connection.credentials_removed", object_id=str(crm.pk)
    ).exists()


@pytest.mark.parametrize("route", ["credentials", "credentials_remove", "webhook_secret_add", "test", "sync"])
def test_a_csv_connection_has_no_crm_pages_and_says_so(admin_client, route):
    connection = ConnectionFactory(name="Partner CSV", kind=Source.CSV)
    method = "get" if route.startswith("credentials") else "post"

    response = getattr(admin_client, method)(reverse(f"connection:{route}", args=[connection.pk]))

    assert response.status_code == 302
    assert response.url == reverse("connection:inspect", args=[connection.pk])
    assert _messages(response) == [
        "“Partner CSV” is a CSV import connection: it has no CRM credentials, webhooks or sync."
    ]


def test_an_unknown_connection_is_a_404(admin_client):
    response = admin_client.get(reverse("connection:credentials", args=[987654]))

    assert response.status_code == 404


# --- Webhook secrets ---------------------------------------------------------------------------


def test_a_new_webhook_secret_is_shown_once_on_a_page_nobody_caches(admin_client, admin_user, crm):
    response = admin_client.post(reverse("connection:webhook_secret_add", args=[crm.pk]))

    page = response.content.decode()
    secret = WebhookSecret.objects.get(connection=crm)
    raw = page.split('id="webhook-secret"')[1].split('value="')[1].split('"')[0]
    assert response.status_code == 200
    assert raw.startswith("whsec_")
    assert raw not in secret.sealed
    assert "no-store" in response["Cache-Control"]
    assert raw not in _status(admin_client, crm)
    entry = ModelLogEntry.objects.get(action="lastmile.connection.webhook_secret_created")
    assert (entry.user_id, raw in str(entry.data)) == (admin_user.pk, False)


def test_the_status_page_lists_active_secrets_by_date_only(admin_client, crm):
    webhook_secret_create(crm)

    page = _status(admin_client, crm)

    assert "Secret made " in page
    assert "whsec_" not in page


def test_a_third_active_secret_is_refused_with_a_message(admin_client, crm):
    webhook_secret_create(crm)
    webhook_secret_create(crm)

    response = admin_client.post(reverse("connection:webhook_secret_add", args=[crm.pk]))

    assert response.status_code == 302
    assert _messages(response) == ["Two secrets are active already: revoke the older one first."]
    assert WebhookSecret.objects.filter(connection=crm).count() == 2


def test_with_two_active_secrets_the_page_offers_no_new_one(admin_client, crm):
    webhook_secret_create(crm)
    webhook_secret_create(crm)

    page = _status(admin_client, crm)

    assert "New secret" not in page
    assert "revoke the older one before making another" in page


def test_revoking_a_webhook_secret_asks_first(admin_client, crm):
    secret, _raw = webhook_secret_create(crm)

    response = admin_client.get(reverse("connection:webhook_secret_revoke", args=[crm.pk, secret.pk]))

    assert "Yes, revoke" in response.content.decode()
    assert "the generic webhook refuses every call" in response.content.decode()
    assert WebhookSecret.objects.get(pk=secret.pk).revoked_at is None


def test_revoking_a_webhook_secret_by_post(admin_client, admin_user, crm):
    secret, _raw = webhook_secret_create(crm)

    response = admin_client.post(reverse("connection:webhook_secret_revoke", args=[crm.pk, secret.pk]))

    assert response.status_code == 302
    assert WebhookSecret.objects.get(pk=secret.pk).revoked_at is not None
    entry = ModelLogEntry.objects.get(action="lastmile.connection.webhook_secret_revoked")
    assert entry.user_id == admin_user.pk


def test_a_secret_of_another_connection_cannot_be_revoked_through_this_one(admin_client, crm, bare_crm):
    secret, _raw = webhook_secret_create(bare_crm)

    response = admin_client.post(reverse("connection:webhook_secret_revoke", args=[crm.pk, secret.pk]))

    assert response.status_code == 404
    assert WebhookSecret.objects.get(pk=secret.pk).revoked_at is None


# --- The ordinary edit form: sync options ------------------------------------------------------


def _edit_form(connection, **values) -> dict:
    fields = {
        "name": connection.name,
        "kind": connection.kind,
        "organisation": "",
        "sync_scope": "",
        "writeback_subject": "Lastmile:",
    }
    return nested_form_data(fields | values | {"stage_mappings": inline_formset([])})


def test_a_new_connection_writes_nothing_back_by_default(admin_client):
    admin_client.post(reverse("connection:add"), _edit_form(Connection(name="HubSpot EU", kind=Source.HUBSPOT)))

    connection = Connection.objects.get(name="HubSpot EU")
    assert (connection.sync_enabled, connection.writeback_enabled) == (False, False)


def test_sync_options_are_set_on_the_edit_form(admin_client, crm):
    response = admin_client.post(
        reverse("connection:edit", args=[crm.pk]),
        _edit_form(crm, sync_enabled="on", sync_scope="Partner deals, Renewals", writeback_enabled="on"),
    )

    assert response.status_code == 302
    crm.refresh_from_db()
    assert (crm.sync_enabled, crm.sync_scope, crm.writeback_enabled) == (True, "Partner deals, Renewals", True)
    assert credentials_stored(crm)["client_secret"] == SECRET


def test_sync_cannot_be_turned_on_for_a_csv_connection(admin_client):
    connection = ConnectionFactory(kind=Source.CSV)

    response = admin_client.post(
        reverse("connection:edit", args=[connection.pk]), _edit_form(connection, sync_enabled="on")
    )

    assert response.status_code == 200
    assert "has no CRM to sync with" in response.content.decode()
    assert not Connection.objects.get(pk=connection.pk).sync_enabled


def test_the_kind_of_a_connection_with_credentials_cannot_change(admin_client, crm):
    response = admin_client.post(reverse("connection:edit", args=[crm.pk]), _edit_form(crm, kind=Source.HUBSPOT))

    assert response.status_code == 200
    assert "Remove the credentials" in response.content.decode()
    assert Connection.objects.get(pk=crm.pk).kind == Source.SALESFORCE


def test_the_edit_page_links_to_status_and_credentials(admin_client, crm):
    page = admin_client.get(reverse("connection:edit", args=[crm.pk])).content.decode()

    assert reverse("connection:inspect", args=[crm.pk]) in page
    assert reverse("connection:credentials", args=[crm.pk]) in page
    assert SECRET not in page


# --- Who may do what ---------------------------------------------------------------------------

SUPERUSER_ONLY = [
    ("credentials", "get"),
    ("credentials", "post"),
    ("credentials_remove", "get"),
    ("credentials_remove", "post"),
    ("test", "post"),
    ("sync", "post"),
    ("webhook_secret_add", "post"),
    ("webhook_secret_revoke", "get"),
    ("webhook_secret_revoke", "post"),
]


@pytest.mark.parametrize("role", ["brand_manager", "analyst", "rep"])
@pytest.mark.parametrize(("route", "method"), SUPERUSER_ONLY)
def test_other_roles_are_refused_every_crm_page_and_action(
    client, request, crm, role, route, method, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    secret, _raw = webhook_secret_create(crm)
    sealed = Connection.objects.get(pk=crm.pk).credentials_sealed
    args = [crm.pk, secret.pk] if route == "webhook_secret_revoke" else [crm.pk]

    with django_capture_on_commit_callbacks() as queued:
        response = getattr(client, method)(
            reverse(f"connection:{route}", args=args), _credentials_form(client_secret="x")
        )

    assert_admin_refused(response, user)
    assert queued == []
    crm.refresh_from_db()
    assert (crm.credentials_sealed, crm.remote_account_id) == (sealed, "")
    assert list(WebhookSecret.objects.values_list("pk", "revoked_at")) == [(secret.pk, None)]


def test_a_group_with_every_connection_permission_still_cannot_reach_the_crm(client, crm):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Connection keepers")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="deals", codename__endswith="_connection")
        | Permission.objects.filter(codename="access_admin")
    )
    keeper = UserFactory(username="keeper")
    keeper.groups.add(group)
    client.force_login(keeper)

    response = client.get(reverse("connection:credentials", args=[crm.pk]))

    assert_admin_refused(response, keeper)


@pytest.mark.parametrize("role", ["brand_manager", "rep"])
def test_roles_without_connection_access_cannot_see_the_status_page(client, request, crm, role):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.get(reverse("connection:inspect", args=[crm.pk]))

    assert_admin_refused(response, user)
