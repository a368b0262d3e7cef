"""CRM connections in Wagtail admin (issue 14, ADR 20): one connection per CRM account or CSV stream.

Names, kinds, stage mappings and the sync options are edited under the model's own permissions,
as before. Everything that reaches the CRM or holds a secret (credentials, webhook secrets,
"Test connection", "Sync now") is for active superusers only, whatever a group holds, the same
way as API keys (deals/admin/api_keys.py). Each connection has a status page (the inspect view)
that says in plain words whether it works, what the last syncs did and what to do next.

Credentials are write-only: a secret is never put back into a page, a message or an error report
once it has been typed (the form's secret widgets render empty, the view's POST and locals are
marked sensitive for Django's error reports)."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timesince import timesince
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import EditView, IndexView, InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from ..credentials import CredentialsUnavailable
from ..crm.base import CLIENTS, CredentialField, CrmError, client_class
from ..models import (
    Connection,
    StageMapping,
    SyncRun,
    SyncState,
    SyncTrigger,
    WebhookSecret,
    Writeback,
    WritebackState,
)
from ..services.connections import (
    MAX_ACTIVE_WEBHOOK_SECRETS,
    MAX_CREDENTIAL_LENGTH,
    ConnectionRefused,
    connection_credentials_remove,
    connection_credentials_set,
    credentials_stored,
    webhook_secret_create,
    webhook_secret_revoke,
    webhook_secrets_active,
)
from ..services.crm_sync import SyncUnavailable, connection_sync_queue, connection_test
from .vocabulary import ProtectedDeleteView

logger = logging.getLogger(__name__)

# The permission-policy action for everything that reaches the CRM or holds one of its secrets.
CRM_ACTION = "manage_crm"
RECENT_RUNS = 10


class ConnectionPermissionPolicy(ModelPermissionPolicy):
    """The model permissions for names, kinds and stage mappings (analysts view, administrators
    change); `manage_crm` for active superusers only, which no group permission can grant."""

    def user_has_permission(self, user, action):
        if action == CRM_ACTION:
            return bool(user.is_active and user.is_superuser)
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = super().users_with_any_permission([action for action in actions if action != CRM_ACTION])
        if CRM_ACTION in actions:
            users |= get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users


register_permission_policy(Connection, ConnectionPermissionPolicy(Connection))


def may_manage_crm(user) -> bool:
    return policy_registry.get_by_type(Connection).user_has_permission(user, CRM_ACTION)


# --- Presenting a connection's state ------------------------------------------------------------


class Health(models.TextChoices):
    """The status word of a connection, as its listing and status page show it."""

    IMPORTS_ONLY = "imports_only", "Imports only"
    NOT_SET_UP = "not_set_up", "Not set up"
    SYNCING = "syncing", "Syncing"
    FAILING = "failing", "Failing"
    SYNC_OFF = "sync_off", "Sync off"
    WAITING = "waiting", "Waiting for first sync"
    HEALTHY = "healthy", "Healthy"


def connection_health(connection: Connection, *, now: datetime | None = None) -> Health:
    now = now or timezone.now()
    if connection.kind not in CLIENTS:
        return Health.IMPORTS_ONLY
    if not connection.has_credentials:
        return Health.NOT_SET_UP
    if connection.sync_lease_until and connection.sync_lease_until > now:
        return Health.SYNCING
    if connection.last_error:
        return Health.FAILING
    if not connection.sync_enabled:
        return Health.SYNC_OFF
    if connection.last_success_at is None:
        return Health.WAITING
    return Health.HEALTHY


def _exact(value: datetime) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


@dataclass(frozen=True)
class Moment:
    """A time as people read it on the status page: "12 minutes ago" and the exact time."""

    value: datetime

    @property
    def ago(self) -> str:
        elapsed = timesince(self.value).split(",")[0]
        return "just now" if elapsed.startswith("0") else f"{elapsed} ago"

    @property
    def exact(self) -> str:
        return _exact(self.value)


def _moment(value: datetime | None) -> Moment | None:
    return Moment(value) if value else None


def _duration(run: SyncRun) -> str:
    if run.finished_at is None:
        return "still running" if run.state == SyncState.RUNNING else "—"
    seconds = max(0, int((run.finished_at - run.started_at).total_seconds()))
    if seconds < 1:
        return "under a second"
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


COUNTS = [("created", "Created"), ("changed", "Updated"), ("unchanged", "Unchanged"), ("deleted", "Deleted")]


@dataclass(frozen=True)
class RunRow:
    run: SyncRun
    started: Moment
    duration: str

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(label, getattr(self.run, name)) for name, label in [*COUNTS, ("skipped", "Skipped")]]

    @property
    def is_failed(self) -> bool:
        return self.run.state == SyncState.FAILED


@dataclass(frozen=True)
class UnmappedStage:
    value: str
    deals: int
    add_mapping_url: str | None


@dataclass(frozen=True)
class WebhookUrl:
    label: str
    url: str
    note: str


WEBHOOK_NOTES = {
    "": "Any system that signs its calls (Lastmile-Signature) with an active secret below and names the deals "
    "that changed by their external ids; Lastmile then fetches them from the CRM.",
    "salesforce": "For a Salesforce Outbound Message on Opportunity. Unsigned, so only the opportunity ids are "
    "used: Lastmile fetches each one with its own credentials.",
    "hubspot": "For the HubSpot app's deal events. Signed by HubSpot (signature v3) with the app's client secret "
    "from the credentials, not with the secrets below.",
}


def webhook_urls(connection: Connection) -> list[WebhookUrl]:
    """The webhook endpoints of this connection, built from the configured base URL."""
    base = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/webhooks/{connection.public_id}/"
    urls = [WebhookUrl("Generic", base, WEBHOOK_NOTES[""])]
    if connection.kind in CLIENTS:
        urls.append(
            WebhookUrl(
                connection.get_kind_display(), f"{base}{connection.kind}/", WEBHOOK_NOTES.get(connection.kind, "")
            )
        )
    return urls


class ConnectionStatus:
    """Everything the status page shows about one connection, decided here rather than in the
    template: the status word and what it means, the latest sync's counts and problems, recent
    runs, write-back and webhooks."""

    def __init__(self, connection: Connection, *, user, now: datetime | None = None) -> None:
        self.connection = connection
        self.user = user
        self.now = now or timezone.now()
        self.health = connection_health(connection, now=self.now)

    @property
    def is_crm(self) -> bool:
        return self.connection.kind in CLIENTS

    @property
    def health_label(self) -> str:
        return self.health.label

    @property
    def health_classname(self) -> str:
        return f"lm-status lm-status--{self.health.value.replace('_', '-')}"

    @property
    def explanation(self) -> str:
        minutes = settings.LASTMILE_CRM_SYNC_MINUTES
        kind = self.connection.get_kind_display()
        return {
            Health.IMPORTS_ONLY: f"A {kind} connection brings deals by import: it has nothing to sync, "
            "no credentials and no webhooks.",
            Health.NOT_SET_UP: f"Add the {kind} credentials, test the connection, then turn sync on in its settings.",
            Health.SYNCING: "A sync is running now; its counts appear here when it finishes.",
            Health.FAILING: "The last sync failed (the reason is below). It resumes from its last page once the "
            "cause is fixed.",
            Health.SYNC_OFF: f"Deals come from {kind} only when someone presses “Sync now”. Turn sync on in the "
            f"connection's settings to poll every {minutes} minutes.",
            Health.WAITING: f"Sync is on: the first sync runs within {minutes} minutes, or press “Sync now”.",
            Health.HEALTHY: f"Deals are brought up to date from {kind} every {minutes} minutes.",
        }[self.health]

    @property
    def stale_warning(self) -> str:
        """Said when scheduled syncs have stopped without an error (the worker is not running)."""
        if self.health != Health.HEALTHY or self.connection.last_sync_at is None:
            return ""
        if self.now - self.connection.last_sync_at < timedelta(minutes=3 * settings.LASTMILE_CRM_SYNC_MINUTES):
            return ""
        return f"No sync has run since {Moment(self.connection.last_sync_at).ago}: is the background worker running?"

    @property
    def has_credentials(self) -> bool:
        return self.connection.has_credentials

    @property
    def last_success(self) -> Moment | None:
        return _moment(self.connection.last_success_at)

    @property
    def last_error_at(self) -> Moment | None:
        return _moment(self.connection.last_error_at)

    @property
    def sync_scope(self) -> str:
        return self.connection.sync_scope or "Everything"

    @cached_property
    def runs(self) -> list[RunRow]:
        runs = self.connection.sync_runs.all()[:RECENT_RUNS]
        return [RunRow(run=run, started=Moment(run.started_at), duration=_duration(run)) for run in runs]

    @cached_property
    def latest_run(self) -> RunRow | None:
        """The latest sync that did something (a run skipped because another was running did not)."""
        return next((row for row in self.runs if row.run.state != SyncState.SKIPPED), None)

    @property
    def skipped_reasons(self) -> list[str]:
        return list((self.latest_run.run.problems or {}).get("skipped") or [])[:20] if self.latest_run else []

    @property
    def unmapped_stages(self) -> list[UnmappedStage]:
        if not self.latest_run:
            return []
        stages = (self.latest_run.run.problems or {}).get("unmapped_stages") or {}
        may_map = policy_registry.get_by_type(StageMapping).user_has_permission(self.user, "add")
        return [
            UnmappedStage(
                value=str(value),
                deals=int(count),
                add_mapping_url=(
                    f"{reverse('stagemapping:add')}?{urlencode({'connection': self.connection.pk, 'value': value})}"
                    if may_map
                    else None
                ),
            )
            for value, count in list(stages.items())[:20]
        ]

    @cached_property
    def writeback(self) -> dict:
        rows = Writeback.objects.filter(connection=self.connection)
        counts = dict(rows.values_list("state").annotate(n=models.Count("pk")).order_by())
        latest = rows.exclude(last_error="").exclude(state=WritebackState.WRITTEN).order_by("-pk").first()
        return {
            "pending": counts.get(WritebackState.PENDING, 0),
            "failed": counts.get(WritebackState.FAILED, 0),
            "written": counts.get(WritebackState.WRITTEN, 0),
            "latest_error": latest.last_error if latest else "",
        }

    @property
    def webhook_urls(self) -> list[WebhookUrl]:
        return webhook_urls(self.connection)

    @cached_property
    def webhook_secrets(self) -> list[tuple[WebhookSecret, Moment]]:
        return [(secret, Moment(secret.created_at)) for secret in webhook_secrets_active(self.connection)]

    @property
    def may_add_webhook_secret(self) -> bool:
        return len(self.webhook_secrets) < MAX_ACTIVE_WEBHOOK_SECRETS

    @cached_property
    def last_webhook(self) -> Moment | None:
        delivery = self.connection.webhook_deliveries.only("received_at").first()
        return _moment(delivery.received_at if delivery else None)


# --- The listing and the ordinary edit form ------------------------------------------------------


class ConnectionForm(WagtailAdminModelForm):
    """Input shape only: sync and write-back need a CRM, and credentials belong to one CRM."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind not in CLIENTS:
            label = dict(Connection._meta.get_field("kind").choices).get(kind, kind)
            for name in ("sync_enabled", "writeback_enabled"):
                if cleaned.get(name):
                    self.add_error(name, f"A {label} connection has no CRM to sync with or write back to.")
        if self.instance.pk and self.instance.has_credentials and kind and kind != self.instance.kind:
            self.add_error(
                "kind",
                "Remove the credentials (on the connection's Credentials page) before changing the kind: "
                f"they are {self.instance.get_kind_display()} credentials.",
            )
        return cleaned


def _health_label(connection: Connection) -> str:
    return connection_health(connection).label


def _last_success_label(connection: Connection) -> str:
    if connection.kind not in CLIENTS:
        return "—"
    return Moment(connection.last_success_at).ago if connection.last_success_at else "Never"


class ConnectionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        inspect_url = self.get_inspect_url(instance)
        return [
            MenuItem("Status", url=button.url, icon_name="info-circle", priority=5)
            if button.url == inspect_url
            else button
            for button in super().get_list_more_buttons(instance)
        ]


class ConnectionEditView(EditView):
    """The ordinary form, with the status page and (for superusers) credentials one click away."""

    credentials_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = [HeaderButton("Status", url=self.get_inspect_url(), icon_name="info-circle", priority=10)]
        if self.object.kind in CLIENTS and may_manage_crm(self.request.user):
            url = reverse(self.credentials_url_name, args=[self.object.pk])
            buttons.append(HeaderButton("Credentials", url=url, icon_name="key", priority=20))
        return buttons

    @cached_property
    def header_more_buttons(self):
        inspect_url = self.get_inspect_url()
        return [button for button in super().header_more_buttons if button.url != inspect_url]


class ConnectionStatusView(InspectView):
    """The connection's page as an administrator reads it: is it working, what did it do, what
    next. Analysts (who view connections) see it without the buttons that reach the CRM."""

    template_name = "deals/admin/connection_status.html"
    page_title = "Status"
    url_names: dict[str, str] = {}

    def get_object(self, queryset=None):
        return get_object_or_404(Connection.objects.select_related("organisation"), pk=self.pk)

    @cached_property
    def may_manage_crm(self) -> bool:
        return may_manage_crm(self.request.user)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.kind in CLIENTS and self.may_manage_crm:
            url = reverse(self.url_names["credentials"], args=[self.object.pk])
            buttons.append(Button("Credentials", url=url, icon_name="key", priority=15))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pk = self.object.pk
        context.update(
            status=ConnectionStatus(self.object, user=self.request.user),
            may_manage_crm=self.may_manage_crm,
            may_edit=self.user_has_permission("change"),
            edit_url=reverse(self.edit_url_name, args=[pk]),
            stage_mappings=self.object.stage_mappings.count(),
            urls={
                name: reverse(url_name, args=[pk])
                for name, url_name in self.url_names.items()
                if name != "webhook_secret_revoke"
            },
            max_webhook_secrets=MAX_ACTIVE_WEBHOOK_SECRETS,
        )
        return context


# --- Superuser-only pages and actions ------------------------------------------------------------


class CrmConnectionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A page or action that reaches the CRM or one of its secrets. The permission is checked
    before the connection is looked up, so nobody else learns which connections exist; a
    connection without a CRM (a CSV stream) is sent back to its status page with a message."""

    model = Connection
    permission_required = CRM_ACTION
    header_icon = "link"
    index_url_name = None
    inspect_url_name = None
    url_names: dict[str, str] = {}

    def dispatch(self, request, *args, **kwargs):
        self.pk = kwargs["pk"]
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def object(self) -> Connection:
        return get_object_or_404(Connection, pk=self.pk)

    @property
    def status_url(self) -> str:
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def url(self, name: str, *args) -> str:
        return reverse(self.url_names[name], args=[self.object.pk, *args])

    def back_to_status(self):
        return redirect(self.status_url)

    def get(self, request, *args, **kwargs):
        return self.refusal() or self.handle_get()

    def post(self, request, *args, **kwargs):
        return self.refusal() or self.handle_post()

    def refusal(self):
        if self.object.kind not in CLIENTS:
            messages.error(
                self.request,
                f"“{self.object}” is a {self.object.get_kind_display()} connection: "
                "it has no CRM credentials, webhooks or sync.",
            )
            return self.back_to_status()
        return None

    def handle_get(self):
        return super().get(self.request)

    def handle_post(self):
        return self.http_method_not_allowed(self.request)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Connections"},
            {"url": self.status_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(connection=self.object, status_url=self.status_url, **kwargs)


class SecretInput(forms.PasswordInput):
    """Never renders a value, whatever the form holds (write-only)."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "new-password", "spellcheck": "false", **(attrs or {})}, render_value=False)


class SecretTextarea(forms.Textarea):
    """A multi-line secret (a private key): the textarea is always rendered empty."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", "rows": 6, **(attrs or {})})

    def format_value(self, value):
        return None


KEEP_NOTE = "Set — leave blank to keep."


class CredentialsForm(forms.Form):
    """One field per CredentialField of the connection's client. Secret fields are optional once
    a value is stored (blank keeps it) and are never rendered with a value."""

    def __init__(self, *args, credential_fields: list[CredentialField], stored_secrets: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.credential_fields = credential_fields
        for spec in credential_fields:
            self.fields[spec.name] = self._field(spec, is_stored=spec.name in stored_secrets)

    @staticmethod
    def _field(spec: CredentialField, *, is_stored: bool) -> forms.Field:
        help_text = spec.help_text
        if spec.secret and is_stored:
            help_text = f"{KEEP_NOTE} {help_text}".strip()
        common = {"label": spec.label, "help_text": help_text}
        if spec.choices and not spec.secret:
            choices = list(spec.choices) if spec.required else [("", "—"), *spec.choices]
            return forms.ChoiceField(choices=choices, required=spec.required, **common)
        if spec.secret:
            widget = SecretTextarea() if spec.multiline else SecretInput()
            required = spec.required and not is_stored
        else:
            widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}) if spec.multiline else forms.TextInput
            required = spec.required
        return forms.CharField(widget=widget, required=required, max_length=MAX_CREDENTIAL_LENGTH, **common)

    @property
    def secret_names(self) -> list[str]:
        return [spec.name for spec in self.credential_fields if spec.secret]

    @property
    def secret_was_typed(self) -> bool:
        return any(self.data.get(name) for name in self.secret_names) if self.is_bound else False


SECRETS_NOT_ECHOED = "Secret fields are never sent back to the page: type them again."


def _without_secrets(message: str, secrets: list[str]) -> str:
    """A client's problem message with any secret value in it blanked (it should hold none)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            message = message.replace(secret, "[hidden]")
    return message


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ConnectionCredentialsView(CrmConnectionView):
    template_name = "deals/admin/connection_credentials.html"
    page_title = "Credentials"
    http_method_names = ["get", "post"]

    @cached_property
    def credential_fields(self) -> list[CredentialField] | None:
        try:
            return list(client_class(self.object.kind).credential_fields)
        except (ImportError, AttributeError):
            logger.exception("No CRM client for connection kind %s", self.object.kind)
            return None

    @cached_property
    def stored(self) -> dict[str, str] | None:
        """The stored values, or None when they cannot be decrypted. Only the names of secrets and
        the values of the other fields ever leave this view."""
        try:
            return credentials_stored(self.object) if self.object.has_credentials else {}
        except CredentialsUnavailable as error:
            self.stored_problem = str(error)
            return None

    def make_form(self, data=None) -> CredentialsForm:
        stored = self.stored or {}
        secrets = {spec.name for spec in self.credential_fields if spec.secret and stored.get(spec.name)}
        initial = {
            spec.name: stored[spec.name] for spec in self.credential_fields if not spec.secret and spec.name in stored
        }
        return CredentialsForm(data, initial=initial, credential_fields=self.credential_fields, stored_secrets=secrets)

    def refusal(self):
        refused = super().refusal()
        if refused is None and self.credential_fields is None:
            messages.error(
                self.request, f"This version of Lastmile has no {self.object.get_kind_display()} client installed."
            )
            return self.back_to_status()
        return refused

    def handle_get(self):
        return self.render(self.make_form())

    @method_decorator(sensitive_variables())
    def handle_post(self):
        form = self.make_form(self.request.POST)
        if form.is_valid():
            try:
                connection_credentials_set(self.object, form.cleaned_data, by=self.request.user)
            except ConnectionRefused as error:
                typed = [form.cleaned_data.get(name) or "" for name in form.secret_names]
                stored = [(self.stored or {}).get(name) or "" for name in form.secret_names]
                form.add_error(None, _without_secrets(str(error), typed + stored))
            except CredentialsUnavailable as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    self.request,
                    f"Credentials saved for “{self.object}”, encrypted. Test the connection to check them.",
                )
                return self.back_to_status()
        if form.secret_was_typed:
            form.add_error(None, SECRETS_NOT_ECHOED)
        return self.render(form)

    def render(self, form: CredentialsForm):
        context = self.get_context_data(
            form=form,
            stored_problem=getattr(self, "stored_problem", "") if self.stored is None else "",
            remove_url=self.url("credentials_remove") if self.object.has_credentials else "",
        )
        response = self.render_to_response(context)
        add_never_cache_headers(response)
        return response


class ConnectionCredentialsRemoveView(CrmConnectionView):
    template_name = "deals/admin/connection_credentials_remove.html"
    page_title = "Remove credentials"
    http_method_names = ["get", "post"]

    def refusal(self):
        refused = super().refusal()
        if refused is None and not self.object.has_credentials:
            messages.info(self.request, f"“{self.object}” has no credentials to remove.")
            return self.back_to_status()
        return refused

    def handle_post(self):
        connection_credentials_remove(self.object, by=self.request.user)
        messages.success(
            self.request,
            f"Credentials removed from “{self.object}”. Sync and write-back are off until new ones are added.",
        )
        return self.back_to_status()

    def get_context_data(self, **kwargs):
        return super().get_context_data(remove_url=self.url("credentials_remove"), **kwargs)


class ConnectionTestView(CrmConnectionView):
    """Asks the CRM who we are connected to (POST only), and says so in a message."""

    http_method_names = ["post"]

    def handle_post(self):
        try:
            account_id = connection_test(self.object, by=self.request.user)
        except (SyncUnavailable, CrmError) as error:
            messages.error(self.request, f"The test failed: {error}")
        except Exception:
            logger.exception("Test of connection %s failed", self.object.pk)
            messages.error(self.request, "The test stopped on an unexpected error; the server log has the details.")
        else:
            messages.success(self.request, f"Connected to {self.object.get_kind_display()}: account {account_id}.")
        return self.back_to_status()


class ConnectionSyncView(CrmConnectionView):
    """ "Sync now" (POST only): queues a sync for the worker; refused while there are no credentials."""

    http_method_names = ["post"]

    def handle_post(self):
        if not self.object.has_credentials:
            messages.error(self.request, "Add the credentials before syncing: there is nothing to sync with yet.")
            return self.back_to_status()
        connection_sync_queue(self.object, trigger=SyncTrigger.MANUAL, by=self.request.user)
        messages.success(self.request, "Sync queued. Its result appears on this page when it finishes.")
        return self.back_to_status()


class WebhookSecretCreateView(CrmConnectionView):
    """Makes a signing secret (POST only); the answer is the one page that ever shows it."""

    template_name = "deals/admin/connection_webhook_secret_created.html"
    page_title = "Webhook secret created"
    http_method_names = ["post"]

    def handle_post(self):
        try:
            secret, raw = webhook_secret_create(self.object, by=self.request.user)
        except ConnectionRefused as error:
            messages.error(self.request, str(error))
            return self.back_to_status()
        except CredentialsUnavailable as error:
            messages.error(self.request, str(error))
            return self.back_to_status()
        response = self.render_to_response(
            self.get_context_data(secret=secret, raw_secret=raw, webhook_urls=webhook_urls(self.object))
        )
        # The secret is in this page and nowhere else: no browser or proxy may keep a copy.
        add_never_cache_headers(response)
        return response


class WebhookSecretRevokeView(CrmConnectionView):
    """A confirmation page on GET; only the POST revokes."""

    template_name = "deals/admin/connection_webhook_secret_revoke.html"
    page_title = "Revoke webhook secret"
    http_method_names = ["get", "post"]

    @cached_property
    def secret(self) -> WebhookSecret:
        return get_object_or_404(self.object.webhook_secrets, pk=self.kwargs["secret_pk"])

    def refusal(self):
        refused = super().refusal()
        if refused is None and self.secret.revoked_at is not None:
            messages.info(self.request, "That webhook secret was already revoked.")
            return self.back_to_status()
        return refused

    def handle_post(self):
        webhook_secret_revoke(self.secret, by=self.request.user)
        messages.success(
            self.request,
            f"Webhook secret from {_exact(self.secret.created_at)} revoked: calls signed with it are refused.",
        )
        return self.back_to_status()

    def get_context_data(self, **kwargs):
        others = webhook_secrets_active(self.object).exclude(pk=self.secret.pk).count()
        return super().get_context_data(
            secret=self.secret,
            created=_exact(self.secret.created_at),
            is_last=others == 0,
            revoke_url=self.url("webhook_secret_revoke", self.secret.pk),
            **kwargs,
        )


# --- The viewset ---------------------------------------------------------------------------------

CRM_VIEWS = {
    "credentials": ("credentials/<int:pk>/", ConnectionCredentialsView),
    "credentials_remove": ("credentials/<int:pk>/remove/", ConnectionCredentialsRemoveView),
    "test": ("test/<int:pk>/", ConnectionTestView),
    "sync": ("sync/<int:pk>/", ConnectionSyncView),
    "webhook_secret_add": ("webhook-secrets/<int:pk>/new/", WebhookSecretCreateView),
    "webhook_secret_revoke": ("webhook-secrets/<int:pk>/revoke/<int:secret_pk>/", WebhookSecretRevokeView),
}


class ConnectionViewSet(ModelViewSet):
    """A connection with its stage mappings inline (what this source calls each company stage),
    its sync options, and a status page with credentials, webhooks, test and sync."""

    model = Connection
    delete_view_class = ProtectedDeleteView
    index_view_class = ConnectionIndexView
    edit_view_class = ConnectionEditView
    inspect_view_class = ConnectionStatusView
    inspect_view_enabled = True
    icon = "link"
    menu_label = "Connections"
    index_results_template_name = "deals/admin/connection_results.html"
    list_display = [
        "name",
        Column("kind", label="Kind", accessor="get_kind_display"),
        "organisation",
        StatusTagColumn(
            "status",
            label="Status",
            accessor=_health_label,
            primary=lambda connection: connection_health(connection) in (Health.HEALTHY, Health.SYNCING),
        ),
        Column("last_success_at", label="Last successful sync", accessor=_last_success_label),
    ]
    list_filter = ["kind", "organisation"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("organisation")]),
            InlinePanel(
                "stage_mappings",
                heading="Stage mappings",
                label="Mapping",
                panels=[FieldRowPanel([FieldPanel("value"), FieldPanel("stage")])],
                help_text="Each stage label or id exactly as this source sends it, and the company stage it means.",
            ),
            MultiFieldPanel(
                [
                    FieldPanel(
                        "sync_enabled",
                        heading="Sync on",
                        help_text=(
                            "Poll the CRM for changed and deleted deals every "
                            f"{settings.LASTMILE_CRM_SYNC_MINUTES} minutes. Needs credentials (on the status "
                            "page); “Sync now” works either way."
                        ),
                    ),
                    FieldPanel("sync_scope", heading="What to sync"),
                    FieldPanel(
                        "writeback_enabled",
                        heading="Write-back on",
                        help_text=(
                            "Record each final download and first share view as an activity on the CRM deal. "
                            "Off by default: it writes into your CRM."
                        ),
                    ),
                    FieldPanel(
                        "writeback_subject",
                        heading="Activity subject prefix",
                        help_text="Starts the subject of every activity written, e.g. “Lastmile: one-pager downloaded”.",
                    ),
                ],
                heading="CRM sync",
                help_text="For Salesforce and HubSpot connections only; CSV connections ignore these.",
            ),
        ],
        base_form_class=ConnectionForm,
    )

    def get_queryset(self, request):
        return Connection.objects.select_related("organisation")

    @cached_property
    def crm_url_names(self) -> dict[str, str]:
        return {name: self.get_url_name(name) for name in CRM_VIEWS}

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(credentials_url_name=self.get_url_name("credentials"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(url_names=self.crm_url_names, **kwargs)

    def crm_view(self, view_class):
        return self.construct_view(
            view_class,
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
            url_names=self.crm_url_names,
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(route, self.crm_view(view_class), name=name) for name, (route, view_class) in CRM_VIEWS.items()
        ]
