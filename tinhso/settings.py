"""Settings, all from the environment, with defaults that work on a laptop.

`DEBUG=1` is the local demo (what `make run` uses): cookies allowed over plain
http. Anything else is production: secure cookies, HSTS and the redirect to https;
`DEBUG=0` refuses to start without `SECRET_KEY` (without DEBUG set at all, a random
key is generated once into the var directory, as for the demo).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
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
# The audit chain's HMAC key, kept outside the database (tinhso/audit/keys.py); unset,
# one is generated into the var directory (keys/audit_key) on first use.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "")
# The audit log's chains ("streams"): a transaction appends to one of them, chosen at
# random, so that audited writes at once do not all wait on one lock. Raising it is
# safe at any time; lowering it leaves the higher streams as they are (still verified).
AUDIT_STREAMS = int(os.environ.get("AUDIT_STREAMS", "16"))
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
    "oauth2_provider",
    "tinhso.oidc",  # the OpenID Connect provider (and the national sign-in)
    "tinhso.education",
    "tinhso.health",
    "tinhso.payments",
    "tinhso.feedback",
    "tinhso.ioc",  # the operations centre's board, above the apps it reads
    "tinhso.demo",  # demo and synthetic data, above the domain apps
    "tinhso.root",  # the composition root: URLs, API, cross-app commands
]

MIDDLEWARE = [
    "tinhso.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tinhso.root.middleware.PublicCacheMiddleware",  # anonymous public GETs: the short way
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # the same, with a health check of a kept connection that costs no round trip
    DATABASES["default"]["ENGINE"] = "tinhso.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue instead of failing; WAL lets readers run beside a writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # A page cache of up to 128 MB and temporary journals in memory: linking a
        # registry of millions of records rewrites pages all over the big tables, and
        # with SQLite's default 2 MB cache it re-read and re-wrote them endlessly.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;",
    }
elif os.environ.get("DATABASE_PREPARED", "1") == "1":
    # PostgreSQL: parameters bound on the server, and a statement run twice on a
    # connection is prepared there (planned once, not on every run). About half the
    # database's CPU per online submission (bench/load). Set DATABASE_PREPARED=0 behind
    # a pooler in transaction mode that cannot keep prepared statements (PgBouncer
    # before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Every password check (the pages, the Django admin) counts failures and honours the
# lockout: one backend, no other.
AUTHENTICATION_BACKENDS = ["tinhso.accounts.backends.LockoutBackend"]
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
# Health (tinhso/health): the video room of a telehealth appointment, `{room}` replaced by
# the appointment's random room name. Any Jitsi Meet server works (self-hosted in
# production); the default only makes a link, nothing is needed to run.
TELEHEALTH_URL = os.environ.get("TELEHEALTH_URL", "https://meet.jit.si/{room}")
# The help shown in every page's footer: the province's own hotline and address for
# questions, when it has them; the national portal's hotline is always shown.
SUPPORT_HOTLINE = os.environ.get("SUPPORT_HOTLINE", "")
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "")
# Dossier codes: agency code, date, sequence (data, not code).
DOSSIER_CODE_FORMAT = os.environ.get("DOSSIER_CODE_FORMAT", "{agency}-{date:%y%m%d}-{seq:04d}")
# Uploaded papers.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_SCANNER = os.environ.get("UPLOAD_SCANNER", "tinhso.core.uploads.NoScanner")
RESULT_SIGNER = os.environ.get("RESULT_SIGNER", "tinhso.signing.services.PadesResultSigner")
# Extra trust roots for verification (national CAs), PEM files in this directory.
SIGNING_TRUST_ROOTS_DIR = os.environ.get("SIGNING_TRUST_ROOTS_DIR", "")
VERIFY_MAX_BYTES = int(os.environ.get("VERIFY_MAX_BYTES", str(20 * 1024 * 1024)))
# The public verifier: each check in a process of its own with this much CPU time
# (signing/sandbox.py), so many at once per server process, and so many signatures
# and form-field entries read at most (signing/limits.py); past them, a refusal.
VERIFY_CPU_SECONDS = int(os.environ.get("VERIFY_CPU_SECONDS", "5"))
VERIFY_CONCURRENCY = int(os.environ.get("VERIFY_CONCURRENCY", "2"))
VERIFY_MAX_SIGNATURES = int(os.environ.get("VERIFY_MAX_SIGNATURES", "20"))
VERIFY_MAX_FIELDS = int(os.environ.get("VERIFY_MAX_FIELDS", "2000"))
SMS_SENDER = os.environ.get("SMS_SENDER", "tinhso.notifications.channels.LoggingSmsSender")
# Citizen feedback: the map's tiles, loaded by the browser (empty: no tiles, the page
# still works with coordinates, an address and a ward); reports of the same category
# within so many metres and days are offered to the officer as duplicates.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
FEEDBACK_DUPLICATE_METRES = int(os.environ.get("FEEDBACK_DUPLICATE_METRES", "100"))
FEEDBACK_DUPLICATE_DAYS = int(os.environ.get("FEEDBACK_DUPLICATE_DAYS", "14"))
FEEDBACK_JURISDICTION_ID = os.environ.get("FEEDBACK_JURISDICTION_ID", "")
# The operations centre's board polls its figures this often.
IOC_REFRESH_SECONDS = int(os.environ.get("IOC_REFRESH_SECONDS", "30"))

# The shared cache: the catalogue's searches and change stamp must be the same for every
# server process. (Rate limits count in a table of their own: core/throttle.py.)
# Redis when REDIS_URL is set; otherwise a table of the database (created by the core
# app's migrations: nothing to install). "local" is this process's own memory, for
# reference data read on every page (the home province) where a stale copy is harmless.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tinhso",
    }
else:
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tinhso_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
    }
# Anonymous GETs of the public catalogue (root.middleware.PublicCacheMiddleware) are
# answered from each process's memory until the catalogue changes, and at most this long
# (what the catalogue's stamp does not see: an agency renamed). 0: never. The same for an
# officer's queue and an applicant's own dossiers read with an API token, per person,
# until a dossier in them changes (dossiers.stamps).
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))
# The catalogue's change stamp: kept in the shared cache (an edit through the services
# forgets it there at once), and by each process for this long after reading it there
# (the public pages ask for it on every request), so another process's edit shows
# within it.
CATALOGUE_CACHE_SECONDS = int(os.environ.get("CATALOGUE_CACHE_SECONDS", "10"))
CATALOGUE_STAMP_LOCAL_SECONDS = float(os.environ.get("CATALOGUE_STAMP_LOCAL_SECONDS", "1"))
CACHES: dict[str, dict[str, Any]] = {
    "default": _shared_cache,
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}

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
    "reconcile_queue_counts": "45 4 * * *",
    "refresh_opendata": "30 5 * * *",
    "remind_appointments": "*/15 * * * *",
    "audit_anchor": "*/10 * * * *",
}

# OpenID Connect provider (tinhso/oidc): the province's other systems sign people in here.
# Its RSA signing key is generated once into the var directory (mode 0600), never kept in
# the repository; the issuer is the public address.


def _oidc_signing_key() -> str:
    path = VAR_DIR / "oidc" / "signing_key.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = path.with_suffix(f".{os.getpid()}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        try:
            os.link(tmp, path)  # the first process to get here wins; the others read its key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()


OAUTH2_PROVIDER_APPLICATION_MODEL = "oidc.Client"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": PUBLIC_BASE_URL,
    "OIDC_RSA_PRIVATE_KEY": _oidc_signing_key(),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_VALIDATOR_CLASS": "tinhso.oidc.validators.TinhsoValidator",
    "SCOPES_BACKEND_CLASS": "tinhso.oidc.scopes.ClientScopes",
    "SCOPES": {
        "openid": _("Đăng nhập bằng tài khoản tinhso"),
        "profile": _("Họ tên, ngày sinh, giới tính"),
        "email": _("Địa chỉ thư điện tử"),
        "phone": _("Số điện thoại"),
        "personal_id": _("Số định danh cá nhân"),
    },
    "DEFAULT_SCOPES": ["openid"],
    # Authorization code with PKCE (S256) only; no implicit or password grant.
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # Tokens only in the Authorization header, stored hashed; `iss` in the redirect.
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Consent is asked once per client and set of scopes, then remembered.
    "REQUEST_APPROVAL_PROMPT": "auto",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG or TESTING else ["https"],
}

# Sign-in with the national identity (VNeID) as a relying party: on when all three are set.
VNEID_ISSUER = os.environ.get("VNEID_ISSUER", "").rstrip("/")
VNEID_CLIENT_ID = os.environ.get("VNEID_CLIENT_ID", "")
VNEID_CLIENT_SECRET = os.environ.get("VNEID_CLIENT_SECRET", "")
VNEID_SCOPES = os.environ.get("VNEID_SCOPES", "openid profile personal_id")
VNEID_PERSONAL_ID_CLAIM = os.environ.get("VNEID_PERSONAL_ID_CLAIM", "personal_id")

# How fees are paid (payments.providers): "vietqr" (a transfer by VietQR, matched on
# the bank's statements; needs no contract) or a gateway that calls back, signed with
# HMAC-SHA256 under PAYMENT_PROVIDER_SECRET ("sandbox": the local stand-in for one).
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "vietqr")
PAYMENT_PROVIDER_SECRET = os.environ.get("PAYMENT_PROVIDER_SECRET", "")
PAYMENT_CALLBACK_WINDOW_SECONDS = int(os.environ.get("PAYMENT_CALLBACK_WINDOW_SECONDS", "300"))

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
# Behind a reverse proxy: X-Forwarded-Proto and X-Forwarded-For are believed only on
# connections from TRUSTED_PROXIES (addresses or networks; default: this machine).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1") if BEHIND_PROXY else []
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
            "(Địa chỉ proxy tin cậy không hợp lệ)."
        ) from None
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")


def _tile_origin(url: str) -> list[str]:
    """The map tiles' origin (scheme and host), the one outside source of images."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") else []


# Content-Security-Policy: everything from our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origin(MAP_TILE_URL)],
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
