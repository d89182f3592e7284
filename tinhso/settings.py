"""Settings, all from the environment, with defaults that work on a laptop.

`DEBUG=1` is the local demo (what `make run` uses): cookies allowed over plain
http. Anything else is production: secure cookies, HSTS and the redirect to https;
`DEBUG=0` refuses to start without `SECRET_KEY` (without DEBUG set at all, a random
key is generated once into the var directory, as for the demo).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("TINHSO_VAR_DIR") or PROJECT_DIR / "var").resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("TINHSO_TESTING", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    # DEBUG=0 said out loud is a production deployment: it must bring its own key.
    if os.environ.get("DEBUG", "").strip() == "0" and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            "Cần đặt biến môi trường SECRET_KEY khi chạy ở chế độ vận hành."
        )
    # Otherwise (the demo, tests, developer commands): one random key per var directory,
    # created on first use with mode 0600, never in the repository.
    path = VAR_DIR / "dev_secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if TESTING:
    ALLOWED_HOSTS += ["testserver"]

# The province this deployment serves (code from vietnam-provinces; 22 = Quảng Ninh).
TINHSO_PROVINCE = os.environ.get("TINHSO_PROVINCE", "22")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram search on PostgreSQL; inert on SQLite
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "tinhso.core",
    "tinhso.audit",
    "tinhso.geo",
    "tinhso.accounts",
    "tinhso.procedures",
    "tinhso.notifications",
    "tinhso.documents",
    "tinhso.signing",
    "tinhso.dossiers",
    "tinhso.monitoring",
    "tinhso.opendata",
    "tinhso.population",
    "tinhso.payments",
    "tinhso.demo",  # demo and synthetic data, above the domain apps
    "tinhso.root",  # the composition root: URLs, API, cross-app commands
]

MIDDLEWARE = [
    "tinhso.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tinhso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tinhso.core.middleware.ApiProblemMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tinhso.accounts.middleware.SecondFactorRequiredMiddleware",
    "tinhso.core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tinhso.root.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "tinhso.root.urls"
WSGI_APPLICATION = "tinhso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tinhso.root.context_processors.platform",
                "tinhso.notifications.context_processors.unread",
            ],
        },
    }
]

# Database: DATABASE_URL, or the embedded SQLite file in the var directory.
_default_db = f"sqlite:///{VAR_DIR / 'tinhso.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue instead of failing; WAL lets readers run beside a writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashing in tests only; production always uses argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-in lockout: this many failures in a row lock the account for LOCKOUT_MINUTES.
LOCKOUT_THRESHOLD = int(os.environ.get("LOCKOUT_THRESHOLD", "5"))
LOCKOUT_MINUTES = int(os.environ.get("LOCKOUT_MINUTES", "15"))
OTP_TOTP_ISSUER = "tinhso"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = VAR_DIR / "files"  # outside the web root; served only through views

# Request bodies: JSON and forms are small; uploads have their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "khong-tra-loi@tinhso.local")

# Public address of the platform (QR codes on slips and results point here).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Dossier codes: agency code, date, sequence (data, not code).
DOSSIER_CODE_FORMAT = os.environ.get("DOSSIER_CODE_FORMAT", "{agency}-{date:%y%m%d}-{seq:04d}")
# Uploaded papers.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_SCANNER = os.environ.get("UPLOAD_SCANNER", "tinhso.core.uploads.NoScanner")
RESULT_SIGNER = os.environ.get("RESULT_SIGNER", "tinhso.signing.services.PadesResultSigner")
# Extra trust roots for verification (national CAs), PEM files in this directory.
SIGNING_TRUST_ROOTS_DIR = os.environ.get("SIGNING_TRUST_ROOTS_DIR", "")
VERIFY_MAX_BYTES = int(os.environ.get("VERIFY_MAX_BYTES", str(20 * 1024 * 1024)))
SMS_SENDER = os.environ.get("SMS_SENDER", "tinhso.notifications.channels.LoggingSmsSender")

# Background jobs and after-commit side effects: on Celery when a broker is configured
# (redis://… or amqp://…; `tinhso worker`), in-process otherwise (see core/jobs.py).
BROKER_URL = os.environ.get("BROKER_URL") or os.environ.get("REDIS_URL") or ""
JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "tinhso")
# Redis only: a message not acknowledged this long (its worker died) is delivered again.
JOBS_VISIBILITY_TIMEOUT = int(os.environ.get("JOBS_VISIBILITY_TIMEOUT", "3600"))
# Management commands Celery beat runs (`tinhso worker --beat`), as crontab strings
# "minute hour day-of-month month day-of-week", in TIME_ZONE. Add yours here.
PERIODIC_COMMANDS = {
    "remind_due": "0 7 * * 1-5",
    "deliver_notifications": "*/5 * * * *",
    "sweep_files": "17 * * * *",
    "recompute_index": "0 5 * * *",
    "refresh_opendata": "30 5 * * *",
}

# Security headers and cookies.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_HTTPS else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Content-Security-Policy: everything from our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_ids": {"()": "tinhso.core.logging.MaskPersonalIdFilter"},
        "request_id": {"()": "tinhso.core.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_ids", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # We embed the CRL we publish ourselves and never fetch: pyHanko warns each time.
        "pyhanko.sign.signers.pdf_signer": {"level": "ERROR"},
    },
}
