"""Data and invariants of organizations, people, roles, invitations, tokens and the audit chain."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.crypto import EncryptedTextField
from ouendan.accounts.roles import Role

LANGUAGE_CHOICES = [("ja", "日本語"), ("en", "English")]


class AppearAs(models.TextChoices):
    """How a person appears where colleagues are ranked or named (leaderboards, highlights)."""

    NAME = "name", _("By name")
    NICKNAME = "nickname", _("By nickname")
    HIDDEN = "hidden", _("Not at all")


class Organization(models.Model):
    """A tenant: one company. Every tenant-owned row points here."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    locale = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="ja")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo")
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    require_two_factor = models.BooleanField(
        _("require two-factor authentication for everyone"), default=False
    )
    # How people appear on leaderboards unless they chose for themselves.
    default_appear_as = models.CharField(
        _("people appear on leaderboards"),
        max_length=8,
        choices=AppearAs.choices,
        default=AppearAs.NAME,
    )
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A node in the organization's department tree."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "parent", "name"], name="department_unique_name_per_parent"
            ),
            models.UniqueConstraint(
                fields=["organization", "code"],
                condition=~models.Q(code=""),
                name="department_unique_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="location_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A sign-in identity (e-mail and password). What a person is in a company is a Membership."""

    email = models.EmailField(_("e-mail address"), unique=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, blank=True)
    # Rotated to sign the user out everywhere (leaver, password change, 2FA change).
    security_stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def get_session_auth_hash(self) -> str:
        """Sessions stay valid only while the password hash and the security stamp are unchanged."""
        return salted_hmac(
            "ouendan.accounts.session",
            f"{self.password}:{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()


class Membership(models.Model):
    """A person in an organization: profile, roles, and whether they still work there."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left the company")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    full_name = models.CharField(_("full name"), max_length=120)
    full_name_kana = models.CharField(_("name reading (kana)"), max_length=120, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=40, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # The person's own choice of how colleagues see them ranked; null follows the
    # organization's ``default_appear_as``. Read it through ``selectors.public_name``.
    appear_as = models.CharField(
        _("appear on leaderboards"), max_length=8, choices=AppearAs.choices, null=True, blank=True
    )
    nickname = models.CharField(_("nickname"), max_length=40, blank=True)

    class Meta:
        ordering = ["full_name_kana", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user"),
            models.UniqueConstraint(
                fields=["organization", "employee_number"],
                condition=~models.Q(employee_number=""),
                name="membership_unique_employee_number",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(grant.role) for grant in self.role_grants.all())


class RoleGrant(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="role_grant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}:{self.role}"


class Invitation(models.Model):
    """An e-mailed, expiring, single-use invitation to join an organization."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    roles = models.JSONField(default=list)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.email


class ApiToken(models.Model):
    """A bearer token, shown once and stored only as a SHA-256 hash.

    Personal tokens act as their membership (roles intersected with scopes); organization tokens
    carry roles of their own and belong to no person.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        ORGANIZATION = "organization", _("Organization")

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Write")
        # Organization tokens only, alone: only records conversions (the company's site).
        CONVERSIONS = "conversions", _("Record conversions only")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    roles = models.JSONField(default=list)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="organization", membership__isnull=True)
                | models.Q(kind="personal", membership__isnull=False),
                name="api_token_kind_matches_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class TotpDevice(models.Model):
    """A TOTP authenticator; the shared secret is encrypted at rest (``accounts.crypto``)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted time step: a code is never accepted twice.
    last_counter = models.BigIntegerField(default=-1)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP for {self.user_id}"


class RecoveryCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class AuditEvent(models.Model):
    """One link of an organization's append-only, hash-chained audit log.

    Written only by ``accounts.audit.audit_record``; ``manage.py audit_verify`` checks the chain.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="audit_events"
    )
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="audit_unique_seq")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only.")


class LoginFailure(models.Model):
    """Failed sign-ins by account, kept briefly for lockout; the client address is only hashed."""

    email = models.CharField(max_length=254, db_index=True)
    client_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.email


class AuditChainHead(models.Model):
    """The newest link of an organization's audit chain: the row writers lock, and the anchor
    that lets ``audit_verify`` notice when the last events were removed."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="audit_head", primary_key=True
    )
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # The last full verification (``audit.audit_chain_check``), shown on the audit page.
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_seq = models.PositiveBigIntegerField(default=0)
    broken_seq = models.PositiveBigIntegerField(null=True, blank=True)
    broken_reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.organization_id}#{self.seq}"


class ImportBatch(models.Model):
    """An uploaded CSV of employees: its parsed rows and per-row problems, previewed, then applied.

    ``rows`` keeps the cleaned input of each row and what applying it would do; ``errors`` keeps
    problems as codes with parameters, so each reader sees them in their own language.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for review")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_batches"
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=32)
    create_missing = models.BooleanField(
        _("create missing departments and locations"), default=False
    )
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)
