"""Background work of the accounts app: invitation and welcome e-mails, expiry and retention.

Tasks take ids (and, for the e-mail, the Fernet-encrypted token), call one service, and can run
twice without harm.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from ouendan.accounts import crypto
from ouendan.accounts.audit import audit_chain_check
from ouendan.accounts.models import Organization
from ouendan.accounts.services.imports import import_batches_prune, import_welcome_send
from ouendan.accounts.services.invitations import invitation_email_send, invitations_expire
from ouendan.accounts.services.security import password_reset_email_send, security_notice_send

logger = logging.getLogger(__name__)


@task()
def invitation_email_send_task(invitation_id: int, sealed_token: str) -> bool:
    """Send one invitation e-mail; skipped when the invitation was used, withdrawn or re-sent."""
    try:
        token = crypto.decrypt(sealed_token)
    except ValueError:
        # Permanent: the encryption keys were rotated away; resending makes a new token.
        logger.warning(
            "invitation e-mail skipped: token cannot be decrypted", extra={"id": invitation_id}
        )
        return False
    return invitation_email_send(invitation_id=invitation_id, token=token)


@task()
def invitations_expire_task() -> int:
    """Periodic (see ``ouendan/schedule.py``): pending invitations past expiry become expired."""
    return invitations_expire(now=timezone.now())


@task()
def import_welcome_emails_task(batch_id: int) -> int:
    """Tell the people an import added how to sign in (once per batch)."""
    return import_welcome_send(batch_id=batch_id)


@task()
def import_batches_prune_task() -> int:
    """Periodic: forget import files older than ``OUENDAN_IMPORT_RETENTION_DAYS``."""
    return import_batches_prune(now=timezone.now())


@task()
def password_reset_email_task(sealed_email: str) -> bool:
    """Send a password-reset link if the (encrypted) address has an account."""
    try:
        email = crypto.decrypt(sealed_email)
    except ValueError:
        logger.warning("password reset e-mail skipped: address cannot be decrypted")
        return False
    return password_reset_email_send(email=email)


@task()
def audit_chains_verify_task() -> int:
    """Periodic: verify every organization's audit chain and record the outcome; returns how
    many chains are broken (each one is also logged as an error)."""
    broken = 0
    for organization in Organization.objects.order_by("pk").iterator():
        problem = audit_chain_check(organization)
        if problem is not None:
            broken += 1
            logger.error("audit chain broken", extra={"problem": str(problem)})
    return broken


@task()
def security_notice_email_task(user_id: int, notice: str) -> bool:
    """Tell the owner of a sign-in that its password or two-factor changed."""
    return security_notice_send(user_id=user_id, notice=notice)
