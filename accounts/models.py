"""People, the organisations they belong to, and the regions they work in.

Internal staff (reps, brand managers, analysts, administrators) have no partner organisation;
channel partners' users belong to exactly one `Organisation`, and a partner must never see
another organisation's users, documents or privately shared templates.
"""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brand.text import SingleLineCharField


class Region(models.Model):
    name = models.CharField(max_length=80, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. emea, na, apac.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tier(models.Model):
    """Partner programme tier (Registered, Silver, Gold, Platinum…); templates can target tiers."""

    name = models.CharField(max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField(default=0, help_text="Higher ranks are more senior tiers.")

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Organisation(models.Model):
    """A channel partner company. Its members share a Django group, which is what per-object
    grants (django-guardian) are given to."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = SingleLineCharField(max_length=160, unique=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations")
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations")
    is_active = models.BooleanField(default=True)
    logo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Co-branding logo. Documents show it only once a brand manager has approved it.",
    )
    is_logo_approved = models.BooleanField(default=False)
    logo_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    logo_review_note = models.CharField(
        max_length=500, blank=True, editable=False, help_text="Why the brand team turned the last logo down."
    )
    contact_name = SingleLineCharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_website = models.CharField(max_length=200, blank=True)
    members_group = models.OneToOneField(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="organisation"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: rep, partner user or manager, brand manager, analyst or administrator.

    The profile fields feed the `user.*` token sources of collateral templates.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = SingleLineCharField(_("first name"), max_length=150, blank=True)
    last_name = SingleLineCharField(_("last name"), max_length=150, blank=True)
    email = models.EmailField("email address", unique=True)
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    photo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="Partner users only; internal staff have none.",
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Internal staff."
    )
    review_regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        help_text="Brand managers: limit their reviews to these regions (none: every region).",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_partner(self) -> bool:
        return self.organisation_id is not None

    @property
    def effective_region_id(self) -> int | None:
        """Partners work in their organisation's region; staff in their own."""
        if self.organisation_id is not None:
            return self.organisation.region_id
        return self.region_id


class InvitationRole(models.TextChoices):
    """The only roles an invitation can grant; the values are those of `accounts.roles.Role`."""

    PARTNER_USER = "partner_user", "Partner user"
    PARTNER_MANAGER = "partner_manager", "Partner manager"


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor revoked (possibly expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self):
        """Open and not yet expired: the link still works."""
        return self.open().filter(expires_at__gt=timezone.now())

    def for_organisation(self, organisation: "Organisation"):
        return self.filter(organisation=organisation)


class Invitation(models.Model):
    """An invitation to join a partner organisation with a given role.

    Only a SHA-256 hash of the link's random token is stored; organisation, email and role are
    bound here, server-side, and never read from the link or the sign-up form.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=32, choices=InvitationRole.choices, default=InvitationRole.PARTNER_USER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and organisation: inviting again replaces it.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
