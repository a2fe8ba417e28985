"""Settings read from the environment; the defaults give a working embedded (SQLite) install.

Environment variables:
  DATABASE_URL         default sqlite:///var/zhenxing.sqlite3; e.g. postgres://user@host/db
  SECRET_KEY           Django signing key (sessions, CSRF); generated into var/ when absent
  ZHENXING_DATA_KEY    base64 AES-256 key for personal-data fields; separate from SECRET_KEY
  ZHENXING_DATA_CIPHER cipher of new personal-data tokens: aes-256-gcm (default) or sm4-gcm
  ZHENXING_INDEX_KEY   base64 HMAC key for the blind index of personal-data fields
  ZHENXING_AUDIT_KEY   base64 HMAC key that seals the audit chain
  ZHENXING_RECEIPT_KEY base64 HMAC key of the verification codes on purchase receipts
  ZHENXING_DEBUG       "1" for development error pages
  ZHENXING_ALLOWED_HOSTS  comma-separated host names (default: localhost names)
  ZHENXING_SECURE      "1" behind HTTPS: secure cookies, HSTS, SSL redirect
  ZHENXING_PRODUCTION  "1" for a production install (default: the value of ZHENXING_SECURE):
                       demo accounts cannot sign in and `zhenxing demo` refuses to run (R3)
  ZHENXING_TRUSTED_PROXIES  proxy addresses/networks whose X-Forwarded-For/Proto are believed
  ZHENXING_AUDIT_CHECKPOINT_DIR  signed audit-chain checkpoints (default var/audit-checkpoints)
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ZHENXING_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


def _local_secret(name: str, nbytes: int) -> str:
    """Read a key from the environment, or from a file under var/ made once for this install.

    Keys never live in the database or the repository; an embedded install keeps them in var/
    (mode 0600) so a restart can still decrypt what it wrote.
    """
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / f"{name.lower()}.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(secrets.token_bytes(nbytes)).decode())
    return path.read_text().strip()


DEBUG = _env_bool("ZHENXING_DEBUG")
SECRET_KEY = _local_secret("SECRET_KEY", 48)
ZHENXING_DATA_KEY = _local_secret("ZHENXING_DATA_KEY", 32)
ZHENXING_DATA_CIPHER = os.environ.get("ZHENXING_DATA_CIPHER", "aes-256-gcm").strip().lower()
ZHENXING_INDEX_KEY = _local_secret("ZHENXING_INDEX_KEY", 32)
ZHENXING_AUDIT_KEY = _local_secret("ZHENXING_AUDIT_KEY", 32)
ZHENXING_RECEIPT_KEY = _local_secret("ZHENXING_RECEIPT_KEY", 32)  # purchase receipt codes
# C6: signed checkpoints of the audit chain head, outside the database (and its backups).
ZHENXING_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("ZHENXING_AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints")
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ZHENXING_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "zhenxing.core",
    "zhenxing.regions",
    "zhenxing.accounts",
    "zhenxing.audit",
    "zhenxing.jobs",
    "zhenxing.households",
    "zhenxing.screening",
    "zhenxing.assistance",
    "zhenxing.ledger",
    "zhenxing.industry",
    "zhenxing.monitoring",
    "zhenxing.supervision",
    "zhenxing.web",
    "zhenxing.demo",
]

MIDDLEWARE = [
    "zhenxing.core.proxy.TrustedProxyMiddleware",  # first: everything after sees the client
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhenxing.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhenxing.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhenxing.accounts.middleware.SessionPolicyMiddleware",
    "zhenxing.accounts.middleware.AccessDeniedMiddleware",
    "zhenxing.web.middleware.RateLimitedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "zhenxing.web.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhenxing.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhenxing.sqlite3'}"),
        conn_max_age=int(os.environ.get("ZHENXING_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the job worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zhenxing.accounts.backends.NormalisedUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhenxing.accounts.passwords.LengthValidator"},
    {"NAME": "zhenxing.accounts.passwords.CharacterClassValidator"},
    {"NAME": "zhenxing.accounts.passwords.RepetitionValidator"},
    {"NAME": "zhenxing.accounts.passwords.SequenceValidator"},
    {"NAME": "zhenxing.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "zhenxing.accounts.passwords.UsernameInPasswordValidator"},
    {"NAME": "zhenxing.accounts.passwords.PasswordHistoryValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# A4: 5 failures lock the account for 30 minutes; counted per user name, not per address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts 30 minutes from the lockout: attempts while locked must not restart the clock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "zhenxing.accounts.views.lockout_response"
AXES_USERNAME_CALLABLE = "zhenxing.accounts.backends.axes_username"
AXES_VERBOSE = False
# axes.W006 wants the address in the lockout key; A4 locks the account whatever the address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# A5: idle timeouts are enforced by SessionPolicyMiddleware; these are the outer limits.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ZHENXING_IDLE_TIMEOUT = timedelta(minutes=30)
ZHENXING_ADMIN_IDLE_TIMEOUT = timedelta(minutes=15)
ZHENXING_SESSION_ABSOLUTE = timedelta(hours=12)
ZHENXING_PASSWORD_MAX_AGE = timedelta(days=90)
# A8: how long a second-factor enrolment link issued by the security administrator stays valid.
ZHENXING_ENROLMENT_TTL = timedelta(hours=72)
# R3: production settings refuse demo accounts. A deployment behind HTTPS is production unless
# it says otherwise; `make demo` (plain HTTP on loopback) is not.
ZHENXING_PRODUCTION = _env_bool("ZHENXING_PRODUCTION", default=_env_bool("ZHENXING_SECURE"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# R4: reverse proxies whose X-Forwarded-For/Proto (and X-Request-ID) are believed; comma-separated
# addresses or networks, e.g. "127.0.0.1,10.0.0.0/24". From any other peer they are dropped.
ZHENXING_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("ZHENXING_TRUSTED_PROXIES", "").split(",") if p.strip()
]
if _env_bool("ZHENXING_SECURE"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhenxing" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages are installed by npm and copied here by `zhenxing vendor`; never committed.
STATICFILES_DIRS = [BASE_DIR / "static_build"]
(BASE_DIR / "static_build").mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The whole CJK font (21 MB, core/fonts.py) is fetched by a browser only for a character no
# woff2 slice covers; brotli at collectstatic would take minutes for it, so it is sent as is.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf")
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# The web server refuses larger request bodies outright: the 20 MB upload cap plus form overhead.
ZHENXING_MAX_REQUEST_BYTES = 21 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# R5: anonymous pages, per client address: (requests, seconds). The cache is per process, which
# is what `zhenxing serve` runs (one process, many threads).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ZHENXING_RATE_LIMITS = {
    "receipt": (20, 60),  # public check of a printed purchase receipt
    "declaration": (10, 60),  # public self-declaration form (beside its hourly limit per address)
    "notice": (60, 60),  # public notice pages
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # C7: no ID, phone or bank number reaches a log line (Django logs the path of every 404).
    "filters": {"redact": {"()": "zhenxing.core.redaction.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHENXING_LOG_LEVEL", "WARNING")},
}
