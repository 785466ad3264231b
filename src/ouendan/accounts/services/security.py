"""Sign-in and account security: throttling and lockout, two-factor (TOTP and recovery codes),
an admin's reset of someone's two-factor, password change and password reset.

These services act on a ``User`` (a sign-in identity), not on an ``Actor``: most run before anyone
is signed in. The exception is ``two_factor_reset``, which an organization admin performs on
someone else. Every state change a person would ask about is audited in each organization where
the user has an active membership. Client addresses are only ever kept as a keyed hash.
"""

from __future__ import annotations

import logging
import math
import secrets
import uuid
import zoneinfo
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ouendan.accounts import crypto
from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import LoginFailure, Membership, RecoveryCode, TotpDevice, User
from ouendan.accounts.permissions import (
    Action,
    Actor,
    actor_for_membership,
    require,
    system_actor,
)
from ouendan.accounts.roles import Role
from ouendan.core.clients import client_address
from ouendan.core.errors import Conflict, DomainError, NotFound

logger = logging.getLogger("ouendan.accounts.security")

# A client (one hashed address) may fail this many times more often than one account before it
# is paused: offices sign in from behind one address, so the client limit must be generous.
CLIENT_FAILURE_FACTOR = 10
RECOVERY_CODE_COUNT = 10
# No look-alike characters (0/o, 1/l/i): people copy these from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 12
TOTP_ISSUER = "Ouendan"
# Accept the code of the previous and the next 30-second step too (clock drift, typing time).
TOTP_VALID_WINDOW = 1
PASSWORD_RESET_PER_EMAIL = 3
PASSWORD_RESET_PER_CLIENT = 20
PASSWORD_RESET_WINDOW = 60 * 60
TWO_FACTOR_RESET_REASON_MAX = 500
# How the reset appears in the audit log of the person's other organizations: who did it there
# is another tenant's business, so neither their name nor their reason is carried across.
OTHER_ORGANIZATION_ADMIN = "an admin of another organization"


# --- Errors --------------------------------------------------------------------------------------


class SignInThrottled(DomainError):
    """Too many failures for the account or the client; ``retry_after`` is in seconds."""

    code = "throttled"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            ngettext(
                "Too many failed sign-in attempts. For your security, signing in is paused; "
                "try again in %(minutes)d minute.",
                "Too many failed sign-in attempts. For your security, signing in is paused; "
                "try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )
        self.retry_after = max(1, retry_after)


def _invalid_credentials() -> DomainError:
    return DomainError(
        _("The e-mail address or the password is not correct."), code="invalid_credentials"
    )


def _invalid_otp() -> DomainError:
    return DomainError(
        _("That code is not valid. Enter the current code from your app, or a recovery code."),
        code="invalid_otp",
        fields={"code": [_("Not a valid code.")]},
    )


# --- Clients and throttling ----------------------------------------------------------------------


def client_hash(address: str) -> str:
    """A keyed hash of a client address: comparable between requests, never reversible."""
    return salted_hmac(
        "ouendan.accounts.client", address or "unknown", algorithm="sha256"
    ).hexdigest()


def client_hash_for_request(request: HttpRequest) -> str:
    """The hashed address of whoever sent the request (for pages and the API alike)."""
    return client_hash(
        client_address(
            request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
        )
    )


def _normalize_email(email: str) -> str:
    return email.strip().lower()[:254]


def _lockout_period() -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _locked_until(times: Iterable[datetime], limit: int, period: timedelta) -> datetime | None:
    """When the newest lockout ends: ``limit`` failures within ``period`` lock for ``period``.

    Failures recorded while locked (only possible in a race) do not extend the lock, and once a
    lock ends, counting starts afresh.
    """
    window: deque[datetime] = deque()
    locked_until: datetime | None = None
    for moment in times:
        if locked_until is not None and moment < locked_until:
            continue
        while window and moment - window[0] >= period:
            window.popleft()
        window.append(moment)
        if len(window) >= limit:
            locked_until = moment + period
            window.clear()
    return locked_until


def _recent_failure_times(now: datetime, **lookup: str) -> list[datetime]:
    since = now - 2 * _lockout_period()
    recent = (
        LoginFailure.objects.filter(created_at__gte=since, created_at__lte=now, **lookup)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:1000]
    )
    return sorted(recent)


@dataclass(frozen=True)
class LockState:
    account_until: datetime | None
    client_until: datetime | None

    def retry_after(self, now: datetime) -> int | None:
        ends = [t for t in (self.account_until, self.client_until) if t is not None and t > now]
        if not ends:
            return None
        return math.ceil((max(ends) - now).total_seconds())


def _lock_state(*, email: str, client: str, now: datetime) -> LockState:
    period = _lockout_period()
    limit = settings.LOGIN_FAILURE_LIMIT
    account = _locked_until(_recent_failure_times(now, email=email), limit, period)
    client_until = (
        _locked_until(
            _recent_failure_times(now, client_hash=client), limit * CLIENT_FAILURE_FACTOR, period
        )
        if client
        else None
    )
    return LockState(account, client_until)


def sign_in_retry_after(*, email: str, client: str, now: datetime | None = None) -> int | None:
    """Seconds until the account or the client may try again, or None when not paused."""
    now = now or timezone.now()
    return _lock_state(email=_normalize_email(email), client=client, now=now).retry_after(now)


def _ensure_not_locked(*, email: str, client: str, now: datetime) -> None:
    wait = _lock_state(email=email, client=client, now=now).retry_after(now)
    if wait is not None:
        raise SignInThrottled(wait)


def _failure_record(*, email: str, client: str, now: datetime) -> None:
    """Count one failure; when it starts a lockout, audit it and raise ``SignInThrottled``."""
    with transaction.atomic():
        LoginFailure.objects.filter(created_at__lt=now - 2 * _lockout_period()).delete()
        LoginFailure.objects.create(email=email, client_hash=client, created_at=now)
    state = _lock_state(email=email, client=client, now=now)
    wait = state.retry_after(now)
    if wait is None:
        return
    if state.account_until is not None and state.account_until > now:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            with transaction.atomic():
                for membership in _active_memberships(user):
                    audit_record(
                        actor=system_actor(membership.organization, label="sign-in protection"),
                        action="auth.locked_out",
                        target=membership,
                        data={
                            "failures": settings.LOGIN_FAILURE_LIMIT,
                            "locked_until": state.account_until.isoformat(),
                            "client": client[:12],
                        },
                    )
    raise SignInThrottled(wait)


def _failures_clear(email: str) -> None:
    LoginFailure.objects.filter(email=email).delete()


# --- Sign-in -------------------------------------------------------------------------------------


def _active_memberships(user: User) -> list[Membership]:
    return list(
        Membership.objects.select_related("organization", "user")
        .prefetch_related("role_grants")
        .filter(user=user, status=Membership.Status.ACTIVE)
        .order_by("organization__name", "pk")
    )


def _audit_for_user(user: User, action: str, data: dict[str, Any] | None = None) -> None:
    """Record the event in every organization the user is an active member of."""
    for membership in _active_memberships(user):
        audit_record(
            actor=actor_for_membership(membership),
            action=action,
            target=membership,
            data=data,
        )


def sign_in_attempt(*, email: str, password: str, client: str, now: datetime | None = None) -> User:
    """Check an e-mail and password; the user on success.

    Raises ``SignInThrottled`` while the account or the client is paused (the password is not
    even checked then), and ``DomainError(code="invalid_credentials")`` otherwise. Unknown
    accounts are counted and paused exactly like real ones, so the answers reveal nothing.
    Success does not clear the failures yet: that waits for the second factor, if any.
    """
    now = now or timezone.now()
    email = _normalize_email(email)
    _ensure_not_locked(email=email, client=client, now=now)
    user = authenticate(None, email=email, password=password)
    if not isinstance(user, User):
        _failure_record(email=email, client=client, now=now)
        raise _invalid_credentials()
    return user


def sign_in_complete(*, user: User, method: str, client: str) -> None:
    """Both factors passed: forget the account's failures and audit the sign-in."""
    with transaction.atomic():
        _failures_clear(_normalize_email(user.email))
        _audit_for_user(user, "auth.signed_in", {"method": method, "client": client[:12]})


def _reauthenticate(*, user: User, password: str, client: str, field: str) -> None:
    """Ask for the password again before a sensitive change; failures count towards lockout."""
    now = timezone.now()
    email = _normalize_email(user.email)
    _ensure_not_locked(email=email, client=client, now=now)
    if not user.check_password(password):
        _failure_record(email=email, client=client, now=now)
        raise DomainError(
            _("Your current password is not correct."),
            code="invalid_password",
            fields={field: [_("Not correct.")]},
        )


# --- Two-factor ----------------------------------------------------------------------------------


def two_factor_required(*, user: User, membership: Membership | None) -> bool:
    """Two-factor is required for org admins and in organizations that ask for it.

    ``membership`` is the one the person acts as (the current organization, or the one an API
    token is for). Demo users are exempt so the demo can be explored with a shared password.
    """
    if user.is_demo or membership is None:
        return False
    if membership.organization.require_two_factor:
        return True
    return Role.ORG_ADMIN in membership.role_set()


def totp_device_confirmed(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def _totp(device: TotpDevice) -> pyotp.TOTP:
    return pyotp.TOTP(crypto.decrypt(device.secret_encrypted))


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def _totp_accept(device: TotpDevice, code: str, now: datetime) -> bool:
    """Accept a current code once: the step is claimed atomically, so a replay finds it taken."""
    code = _digits(code)
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = _totp(device)
    current = totp.timecode(now)
    for counter in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if counter > device.last_counter and constant_time_compare(
            totp.generate_otp(counter), code
        ):
            claimed = TotpDevice.objects.filter(pk=device.pk, last_counter__lt=counter).update(
                last_counter=counter
            )
            if claimed:
                device.last_counter = counter
                return True
            return False
    return False


def _recovery_hash(code: str) -> str:
    return crypto.secret_hash(_digits(code).lower())


def _recovery_code_use(user: User, code: str, now: datetime) -> bool:
    normalized = _digits(code).lower()
    if len(normalized) != _RECOVERY_LENGTH:
        return False
    return bool(
        RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(normalized), used_at__isnull=True
        ).update(used_at=now)
    )


def second_factor_verify(*, user: User, code: str, client: str, now: datetime | None = None) -> str:
    """Check a TOTP code or a recovery code; returns the method used (``totp``/``recovery_code``).

    Wrong codes count towards the same lockout as wrong passwords.
    """
    now = now or timezone.now()
    email = _normalize_email(user.email)
    _ensure_not_locked(email=email, client=client, now=now)
    device = totp_device_confirmed(user)
    if device is not None:
        if _totp_accept(device, code, now):
            return "totp"
        if _recovery_code_use(user, code, now):
            with transaction.atomic():
                remaining = recovery_codes_remaining(user)
                _audit_for_user(user, "auth.recovery_code_used", {"remaining": remaining})
            return "recovery_code"
    _failure_record(email=email, client=client, now=now)
    raise _invalid_otp()


def recovery_codes_remaining(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _recovery_code_new() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _recovery_codes_replace(user: User) -> list[str]:
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_hash(code)) for code in codes
    )
    return codes


def _stamp_rotate(user: User) -> None:
    """Sign the user out of every other session (the caller keeps the current one)."""
    user.security_stamp = uuid.uuid4()
    user.save(update_fields=["security_stamp"])


@dataclass(frozen=True)
class TotpSetup:
    device: TotpDevice
    secret: str
    uri: str

    @property
    def secret_grouped(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    def qr_svg(self, label: str) -> str:
        """The provisioning URI as an inline SVG QR code (no script, no external image)."""
        import qrcode
        import qrcode.image.svg
        from django.utils.html import escape

        image = qrcode.make(self.uri, image_factory=qrcode.image.svg.SvgPathImage, border=4)
        svg: str = image.to_string(encoding="unicode")
        return svg.replace(
            "<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1
        )


def totp_device_start(*, user: User) -> TotpSetup:
    """The unconfirmed device waiting to be scanned (created with a new secret if none)."""
    if totp_device_confirmed(user) is not None:
        raise DomainError(
            _("Two-factor authentication is already on. Turn it off first to change the device."),
            code="two_factor_enabled",
        )
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            device = TotpDevice.objects.create(
                user=user, secret_encrypted=crypto.encrypt(pyotp.random_base32())
            )
    secret = crypto.decrypt(device.secret_encrypted)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)
    return TotpSetup(device=device, secret=secret, uri=uri)


def totp_device_confirm(*, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-factor on with a first valid code; returns the recovery codes (shown once)."""
    now = now or timezone.now()
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        raise DomainError(_("Start the setup again."), code="two_factor_not_started")
    if device.confirmed_at is not None:
        raise DomainError(_("Two-factor authentication is already on."), code="two_factor_enabled")
    if not _totp_accept(device, code, now):
        raise _invalid_otp()
    with transaction.atomic():
        device.confirmed_at = now
        device.save(update_fields=["confirmed_at"])
        codes = _recovery_codes_replace(user)
        _stamp_rotate(user)
        _audit_for_user(user, "auth.two_factor_enabled")
        _security_notice_after_commit(user, SecurityNotice.TWO_FACTOR_ENABLED)
    return codes


def totp_device_disable(*, user: User, password: str, client: str) -> None:
    """Turn two-factor off (password needed); other sessions are signed out."""
    _reauthenticate(user=user, password=password, client=client, field="password")
    with transaction.atomic():
        deleted, _counts = TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        if deleted:
            _stamp_rotate(user)
            _audit_for_user(user, "auth.two_factor_disabled")
            _security_notice_after_commit(user, SecurityNotice.TWO_FACTOR_DISABLED)


def recovery_codes_regenerate(*, user: User, password: str, client: str) -> list[str]:
    """Replace every recovery code with ten new ones (password needed); shown once."""
    if totp_device_confirmed(user) is None:
        raise DomainError(
            _("Turn on two-factor authentication first."), code="two_factor_not_enabled"
        )
    _reauthenticate(user=user, password=password, client=client, field="password")
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        _audit_for_user(user, "auth.recovery_codes_regenerated")
    return codes


def _nothing_to_reset(membership: Membership) -> DomainError:
    return DomainError(
        _("%(name)s has not set up two-factor authentication, so there is nothing to reset.")
        % {"name": membership.full_name},
        code="two_factor_not_enabled",
    )


def two_factor_reset_refusal(
    *, actor: Actor, membership: Membership, enabled: bool = True
) -> DomainError | None:
    """Why the actor may not reset this person's two-factor, or None when they may.

    ``enabled`` says whether the person has a confirmed device (the reset itself checks that
    again, atomically). Pages ask this before offering the confirmation.
    """
    if actor.user is not None and actor.user.pk == membership.user_id:
        return DomainError(
            _(
                "You cannot reset your own two-factor authentication here. Use your security "
                "page to turn it off or to get new recovery codes."
            ),
            code="self_two_factor_reset",
        )
    if not membership.is_active:
        return Conflict(
            _(
                "%(name)s has left the organization: their two-factor authentication can only "
                "be reset by an organization they still belong to."
            )
            % {"name": membership.full_name},
            code="person_left",
        )
    if not enabled:
        return _nothing_to_reset(membership)
    return None


def two_factor_reset(*, actor: Actor, membership_id: int, reason: str = "") -> Membership:
    """An org admin turns off someone else's two-factor (they lost their phone).

    Their authenticator and recovery codes are removed and every session of theirs ends; they
    sign in with their password and set up two-factor again where it is required for them.
    The device belongs to the sign-in, which may also be in other organizations: the reset
    applies there too, so it is audited there as well (without the actor's name or reason).
    Resetting your own is refused (the security page turns it off with your password).
    """
    require(actor, Action.PEOPLE_SECURITY_RESET)
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=actor.organization, pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFound(_("That person does not exist."))
    refusal = two_factor_reset_refusal(actor=actor, membership=membership)
    if refusal is not None:
        raise refusal
    reason = reason.strip()
    if len(reason) > TWO_FACTOR_RESET_REASON_MAX:
        raise DomainError(
            _("The reason can be at most %(limit)d characters long.")
            % {"limit": TWO_FACTOR_RESET_REASON_MAX},
            fields={"reason": [_("Too long.")]},
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=membership.user_id)
        # The delete is the check: of two admins resetting at once, the second finds nothing.
        removed, _counts = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).delete()
        if not removed:
            raise _nothing_to_reset(membership)
        codes_removed = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        RecoveryCode.objects.filter(user=user).delete()
        _stamp_rotate(user)
        _security_notice_after_commit(user, SecurityNotice.TWO_FACTOR_RESET)
        others = [
            m for m in _active_memberships(user) if m.organization_id != membership.organization_id
        ]
        # Chains are locked in organization-name order, like every writer that audits in several
        # organizations, so two such writers never wait on each other crosswise.
        for target in sorted([membership, *others], key=lambda m: (m.organization.name, m.pk)):
            if target is membership:
                audit_record(
                    actor=actor,
                    action="auth.two_factor_reset",
                    target=membership,
                    data={
                        "reason": reason,
                        "recovery_codes_removed": codes_removed,
                        # The sign-in is shared: the reset applies in these organizations too.
                        "other_organizations": len(others),
                    },
                )
            else:
                audit_record(
                    actor=system_actor(target.organization, label=OTHER_ORGANIZATION_ADMIN),
                    action="auth.two_factor_reset",
                    target=target,
                    data={"by_another_organization": True},
                )
    membership.user = user
    return membership


# --- Passwords -----------------------------------------------------------------------------------


def _validated_password(password: str, user: User, field: str) -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            _("Choose a stronger password."),
            code="weak_password",
            fields={field: [str(message) for message in exc.messages]},
        ) from exc
    return password


def password_change(*, user: User, old_password: str, new_password: str, client: str) -> None:
    """Change the password; other sessions are signed out (keep this one with
    ``update_session_auth_hash``)."""
    _reauthenticate(user=user, password=old_password, client=client, field="old_password")
    _validated_password(new_password, user, "new_password1")
    with transaction.atomic():
        user.set_password(new_password)
        user.security_stamp = uuid.uuid4()
        user.save(update_fields=["password", "security_stamp"])
        _audit_for_user(user, "auth.password_changed")
        _security_notice_after_commit(user, SecurityNotice.PASSWORD_CHANGED)


class _ResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's generator; the security stamp joins the hash so a leaver's open link dies too."""

    key_salt = "ouendan.accounts.password_reset"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.security_stamp}"


password_reset_tokens = _ResetTokenGenerator()


def _throttle_hit(key: str, limit: int, window: int) -> bool:
    """Count one use of ``key``; True when the limit for the window is already spent."""
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        used = 1
    return used > limit


def _user_language(user: User, memberships: Sequence[Membership]) -> str:
    if user.language:
        return user.language
    if memberships:
        return memberships[0].organization.locale
    return settings.LANGUAGE_CODE


def password_reset_request(*, email: str, client: str) -> None:
    """Queue a reset link for the address; silent whether or not it belongs to an account.

    The account is looked up and the mail sent by a task, so the answer takes the same time
    either way. At most ``PASSWORD_RESET_PER_EMAIL`` mails per address per hour; a client asking
    too often is told to wait (that reveals nothing about accounts).
    """
    from ouendan.accounts.tasks import password_reset_email_task

    if _throttle_hit(f"pwreset:client:{client}", PASSWORD_RESET_PER_CLIENT, PASSWORD_RESET_WINDOW):
        raise DomainError(
            _("Too many reset requests were sent from your network. Try again in an hour."),
            code="throttled",
        )
    email = _normalize_email(email)
    key = f"pwreset:email:{crypto.secret_hash(email)}"
    if _throttle_hit(key, PASSWORD_RESET_PER_EMAIL, PASSWORD_RESET_WINDOW):
        return
    # The address is personal data: the task queue only ever holds it encrypted.
    sealed = crypto.encrypt(email)
    transaction.on_commit(lambda: password_reset_email_task.enqueue(sealed))


def password_reset_email_send(*, email: str) -> bool:
    """E-mail a reset link to an active account with this address; False when there is none."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return False
    memberships = _active_memberships(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = password_reset_tokens.make_token(user)
    with translation.override(_user_language(user, memberships)):
        link = settings.BASE_URL + reverse(
            "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
        )
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        subject = _("Reset your Ouendan password")
        body = _(
            "Hello,\n\n"
            "Someone (hopefully you) asked to reset the password of the Ouendan account "
            "%(email)s.\n\n"
            "To choose a new password, open this link within %(hours)d hours:\n\n"
            "%(link)s\n\n"
            "If you did not ask for this, ignore this e-mail: your password stays as it is.\n"
        ) % {"email": user.email, "hours": hours, "link": link}
    # SMTP failures propagate: the worker records the task as failed and the log tells the admin.
    send_mail(subject, body, None, [user.email])
    return True


def password_reset_user(*, uidb64: str, token: str) -> User | None:
    """The user a reset link is for, or None if the link is wrong, used or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not password_reset_tokens.check_token(user, token):
        return None
    return user


def password_reset_complete(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link and every session stop working."""
    user = password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        raise DomainError(
            _("This link is no longer valid. Ask for a new one."), code="invalid_link"
        )
    _validated_password(new_password, user, "new_password1")
    with transaction.atomic():
        user.set_password(new_password)
        user.security_stamp = uuid.uuid4()
        user.save(update_fields=["password", "security_stamp"])
        # Owning the mailbox proves who this is: a lockout caused by someone else ends here.
        _failures_clear(_normalize_email(user.email))
        _audit_for_user(user, "auth.password_reset")
        _security_notice_after_commit(user, SecurityNotice.PASSWORD_CHANGED)
    return user


# --- Security notices ----------------------------------------------------------------------------


class SecurityNotice(models.TextChoices):
    """Changes to a sign-in that its owner is told about by e-mail, so a takeover is noticed."""

    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a password
    TWO_FACTOR_ENABLED = "two_factor_enabled"
    TWO_FACTOR_DISABLED = "two_factor_disabled"
    TWO_FACTOR_RESET = "two_factor_reset"


_NOTICE_TEXTS = {
    SecurityNotice.PASSWORD_CHANGED: (
        gettext_lazy("Your Ouendan password was changed"),
        gettext_lazy("The password of your Ouendan account %(email)s was changed on %(when)s."),
    ),
    SecurityNotice.TWO_FACTOR_ENABLED: (
        gettext_lazy("Two-factor authentication was turned on"),
        gettext_lazy(
            "Two-factor authentication was turned on for your Ouendan account %(email)s on "
            "%(when)s."
        ),
    ),
    SecurityNotice.TWO_FACTOR_DISABLED: (
        gettext_lazy("Two-factor authentication was turned off"),
        gettext_lazy(
            "Two-factor authentication was turned off for your Ouendan account %(email)s on "
            "%(when)s."
        ),
    ),
    SecurityNotice.TWO_FACTOR_RESET: (
        gettext_lazy("An administrator reset your two-factor authentication"),
        gettext_lazy(
            "An organization administrator reset the two-factor authentication of your Ouendan "
            "account %(email)s on %(when)s. You will be asked to set it up again if it is "
            "required for you."
        ),
    ),
}


def _security_notice_after_commit(user: User, notice: SecurityNotice) -> None:
    from ouendan.accounts.tasks import security_notice_email_task

    user_id, kind = user.pk, str(notice)
    transaction.on_commit(lambda: security_notice_email_task.enqueue(user_id, kind))


def security_notice_send(*, user_id: int, notice: str) -> bool:
    """E-mail the owner of a sign-in what changed, in their language and their organization's
    time zone; False when there is nobody to tell (the sign-in is gone or inactive)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    subject_text, what = _NOTICE_TEXTS[SecurityNotice(notice)]
    memberships = _active_memberships(user)
    zone = zoneinfo.ZoneInfo(
        memberships[0].organization.time_zone if memberships else settings.TIME_ZONE
    )
    with translation.override(_user_language(user, memberships)):
        when = date_format(timezone.now().astimezone(zone), "DATETIME_FORMAT")
        reset_link = settings.BASE_URL + reverse("accounts:password_reset")
        body = "\n\n".join(
            [
                _("Hello,"),
                str(what) % {"email": user.email, "when": when},
                _(
                    "If this was you, there is nothing to do. If it was not, reset your password "
                    "now at %(link)s and tell your organization's administrator."
                )
                % {"link": reset_link},
            ]
        )
        send_mail(str(subject_text), body + "\n", None, [user.email])
    return True
