"""Ouendan's one settings module: everything comes from the environment through ``ouendan.env``.

Modes: production (the default; ``SECRET_KEY`` required), demo (``OUENDAN_DEMO=1``: a laptop on
``127.0.0.1`` over plain HTTP) and tests (pytest sets ``OUENDAN_TESTING=1``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ouendan.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("OUENDAN_VAR_DIR", str(PROJECT_DIR / "var")))

TESTING = env_bool("OUENDAN_TESTING", "pytest" in sys.modules)
DEMO = env_bool("OUENDAN_DEMO", False)
RELAXED = TESTING or DEMO

SECRET_KEY = env_secret(
    "SECRET_KEY", required=not RELAXED, fallback="ouendan-demo-and-tests-only-not-a-secret-" * 2
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if RELAXED else []
)
# The site's address in links we hand out (e-mails, tracked links). Without it, the address the
# web process listens on (``make demo`` on another ``PORT`` hands out links that work).
BASE_URL = env_str(
    "OUENDAN_BASE_URL", f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}"
).rstrip("/")
# Where tracked short links live (``/r/<code>``): a short domain of its own, or the site.
LINK_BASE_URL = env_str("OUENDAN_LINK_BASE_URL", BASE_URL).rstrip("/")
# Fernet keys (newest first) that encrypt secrets at rest; rotate by prepending a new key.
ENCRYPTION_KEYS = env_list("OUENDAN_ENCRYPTION_KEYS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "ouendan.core",
    "ouendan.accounts",
    "ouendan.content",
    "ouendan.governance",
    "ouendan.sharing",
    "ouendan.tracking",
    "ouendan.analytics",
    "ouendan.engagement",
    "ouendan.integrations",
    "ouendan.demo",
]

MIDDLEWARE = [
    "ouendan.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ouendan.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ouendan.accounts.middleware.ActorMiddleware",
    "ouendan.accounts.two_factor.TwoFactorMiddleware",
]

ROOT_URLCONF = "ouendan.urls"
ASGI_APPLICATION = "ouendan.asgi.application"
WSGI_APPLICATION = "ouendan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "ouendan.navigation.shell",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ouendan.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing halfway through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (Redis when configured) --------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("OUENDAN_CACHE_PREFIX", "ouendan"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work ----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("OUENDAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ouendan.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
LOGIN_FAILURE_LIMIT = env_int("OUENDAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("OUENDAN_LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
INVITATION_TTL_DAYS = env_int("OUENDAN_INVITATION_TTL_DAYS", 7, minimum=1)
API_TOKEN_TTL_DAYS = env_int("OUENDAN_API_TOKEN_TTL_DAYS", 30, minimum=1)
IMPORT_RETENTION_DAYS = env_int("OUENDAN_IMPORT_RETENTION_DAYS", 30, minimum=1)

# --- Sessions, CSRF and security headers ---------------------------------------------------------
SECURE = not RELAXED and env_bool("OUENDAN_HTTPS", True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("OUENDAN_SESSION_AGE", 60 * 60 * 12, minimum=300)
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [BASE_URL] if BASE_URL else [])
SECURE_SSL_REDIRECT = SECURE and env_bool("OUENDAN_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_SECONDS = env_int("OUENDAN_HSTS_SECONDS", 60 * 60 * 24 * 365) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "ouendan_language"
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("OUENDAN_MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Content --------------------------------------------------------------------------------------
# Link previews refuse loopback like every other non-public address; tests switch this on (with
# pytest-django's ``settings`` fixture) only where they must reach their local HTTP server.
LINK_PREVIEW_ALLOW_LOOPBACK = False
# Loopback URLs allowed by prefix: in demo mode only the demo's own offline feed, served by the
# demo itself (``demo/feeds/``); nothing in production.
FETCH_LOOPBACK_URL_PREFIXES: list[str] = []
if DEMO:
    FETCH_LOOPBACK_URL_PREFIXES = [
        f"http://{host}:{env_int('PORT', 8000, minimum=1)}/demo/feeds/"
        for host in ("127.0.0.1", "localhost")
    ]

# Checks run when content is sent for review (dotted paths to ``check(item) -> problems``):
# governance scans the suggested texts; the content app does not import governance.
CONTENT_SUBMIT_CHECKS = ["ouendan.governance.checks.content_compliance_problems"]
# Hooks answering which organizations' content must not go live now: the crisis pause.
CONTENT_PUBLISH_HOLDS = ["ouendan.governance.selectors.paused_organization_ids"]
# Told of every move of a content item (``hook(item, previous=, status=, actor=)``): governance
# runs review rounds through its approval workflow on them.
CONTENT_STATUS_HOOKS = ["ouendan.governance.services.reviews.on_content_status"]

# --- Connected accounts (integrations) -----------------------------------------------------------
# Where each network's API lives and which version we speak. Versions live here, not in code:
# LinkedIn retires its monthly versions after a year (``LinkedIn-Version: YYYYMM``).
X_API_URL = env_str("OUENDAN_X_API_URL", "https://api.x.com").rstrip("/")
X_AUTHORIZE_URL = env_str("OUENDAN_X_AUTHORIZE_URL", "https://x.com/i/oauth2/authorize")
LINKEDIN_API_URL = env_str("OUENDAN_LINKEDIN_API_URL", "https://api.linkedin.com").rstrip("/")
LINKEDIN_OAUTH_URL = env_str(
    "OUENDAN_LINKEDIN_OAUTH_URL", "https://www.linkedin.com/oauth/v2"
).rstrip("/")
LINKEDIN_API_VERSION = env_str("OUENDAN_LINKEDIN_API_VERSION", "202610")
if not (len(LINKEDIN_API_VERSION) == 6 and LINKEDIN_API_VERSION.isdigit()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("OUENDAN_LINKEDIN_API_VERSION must be YYYYMM, e.g. 202610.")
# Add r_member_social (reconciliation) and r_member_postAnalytics (numbers) once LinkedIn has
# granted them to the organization's app.
LINKEDIN_SCOPES = env_str("OUENDAN_LINKEDIN_SCOPES", "openid profile w_member_social")
BLUESKY_SERVICE_URL = env_str("OUENDAN_BLUESKY_SERVICE_URL", "https://bsky.social").rstrip("/")
# Servers people type in (Mastodon, a Bluesky PDS) must be public. Tests switch this on to reach
# their local fake networks (pytest-django's ``settings`` fixture, or the variable for the real
# worker processes of the chaos test); outside demo and test mode it stays off whatever is set.
INTEGRATIONS_ALLOW_LOOPBACK = RELAXED and env_bool("OUENDAN_INTEGRATIONS_ALLOW_LOOPBACK", False)

# --- E-mail ---------------------------------------------------------------------------------------
# ``file://<folder>`` writes each mail to a file there (the demo's default: var/mail, so the
# quarterly report and invitations can be read without a mail server).
EMAIL_URL = env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}" if DEMO else "console://")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ouendan <noreply@ouendan.invalid>")
if EMAIL_URL.startswith("console:"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMAIL_URL.startswith("locmem:"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_URL.startswith("file:"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = EMAIL_URL.removeprefix("file://") or str(VAR_DIR / "mail")
else:
    from urllib.parse import unquote, urlsplit

    _email = urlsplit(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps", "submission"}:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {_email.scheme!r} is not one of console, locmem, file, smtp, "
            "smtps, submission."
        )
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or {"smtps": 465, "submission": 587}.get(_email.scheme, 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "submission"
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# --- Logging (one JSON object per line) -----------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("OUENDAN_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ouendan.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "timestamp": "time",  # ISO 8601 in UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # PDF reports (analytics/pdf.py): WeasyPrint logs each rendering step at INFO
        "weasyprint.progress": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
