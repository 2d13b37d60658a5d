"""Dangjian settings: one module, configured from environment variables.

Local runs (DEBUG on) generate SECRET_KEY and FIELD_ENCRYPTION_KEY into var/ so that `make run`
works on a fresh machine; with DEBUG off both must come from the environment.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _local_secret(name: str, make) -> str:
    """Read a secret from the environment, or (only when DEBUG) from/into var/<name>."""
    value = os.environ.get(name)
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name.lower()
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))
# 32 random bytes, base64: the AES-256-GCM key for sensitive fields; the blind-index key is
# derived from it (people/crypto.py).
FIELD_ENCRYPTION_KEY = _local_secret(
    "FIELD_ENCRYPTION_KEY", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "dangjian.access",
    # --- accounts (issue 13): access's pages. Before django.contrib.auth, so that its audited
    # createsuperuser/changepassword replace auth's (the first app with a command name wins).
    "dangjian.accounts",
    # --- end accounts
    "dangjian.ui.admin.DangjianAdminConfig",  # django.contrib.admin, its pickers labelled (ui/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its bundled Swagger UI, served locally for /api/v1/docs
    "dangjian.ui",
    # --- issue 13 (ui helper): the pages composing the capabilities (home dashboards, the
    # navigation, /health/), split from the ui base; ready() registers every app's lookup sources.
    "dangjian.pages",
    "dangjian.audit",
    "dangjian.organizations",
    "dangjian.people",
    "dangjian.development",
    "dangjian.branchlife",
    "dangjian.birthdays",
    "dangjian.production",
    "dangjian.guidance",
    "dangjian.selections",
    "dangjian.indicators",
    "dangjian.transfers",
    "dangjian.dues",
    "dangjian.appraisal",
    "dangjian.ballots",
    "dangjian.notifications",
    "dangjian.jobs",
    "dangjian.rosters",
    "dangjian.onboarding",
    "dangjian.exports",
    "dangjian.api",
    "dangjian.backups",
    # --- issue 13, platform: the audit log's pages (the chain itself is dangjian.audit) ---
    "dangjian.auditlog",
    # --- end platform ---
    # Last, so that ui's widget templates (a faster select) win over Django's own.
    "django.forms",
]

# --- Demo and benchmark apps (issue 13) ---------------------------------------------------------
# `dangjian.demo` (`load_demo`) and `dangjian.scale` (`generate_dataset`, `benchmark`, `load`,
# `measure_sharding`) write made-up people: a production site does not install them. DANGJIAN_DEMO=1
# adds both; `make run`, `make demo`, `make bench*`, `make load`, the test settings, CI and the
# production smoke set it (docs/operations.md, "Demo and benchmark apps").
DANGJIAN_DEMO = env_bool("DANGJIAN_DEMO", False)
if DANGJIAN_DEMO:
    INSTALLED_APPS[INSTALLED_APPS.index("dangjian.backups") : INSTALLED_APPS.index("dangjian.backups")] = [
        "dangjian.demo",
        "dangjian.scale",
    ]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their long-lived caching; everything Django answers
    # gets the Content-Security-Policy and "private, no-store" (see "Security headers" below).
    "csp.middleware.CSPMiddleware",
    "dangjian.access.middleware.NoStoreMiddleware",
    # Django's, answering a session write refused by a busy database with 503 "try again".
    "dangjian.access.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.access.middleware.UserLanguageMiddleware",
    "dangjian.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # A page whose write a busy database refused answers 503 "try again", not 500 (dangjian/busy.py).
    "dangjian.access.middleware.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
                "dangjian.pages.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let the web server and the task worker share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "access.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes): per username and address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
# Wrong login codes or ID endings typed from one address within the cool-off before it waits
# (accounts.services.use_code); each code also locks after AXES_FAILURE_LIMIT wrong ID endings.
LOGIN_CODE_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_CODE_FAILURES_PER_ADDRESS", "20"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "access/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Lockout records are not edited in the admin (an unaudited way to unlock accounts).
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# --- ID-number existence answers (people.id_checks) ---
# How many times an hour a user may be told that an ID number belongs to someone registered
# outside their scope; after that their ID-number checks pause until the hour ends.
ID_NUMBER_ELSEWHERE_PER_HOUR = int(os.environ.get("ID_NUMBER_ELSEWHERE_PER_HOUR", "10"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "dangjian" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "frontend" / "node_modules"
# Third-party assets come straight from npm's node_modules: nothing is copied by hand or fetched
# from a CDN, so the platform works on an intranet. Only the files our pages use are served
# (dangjian/ui/staticfiles.py says why); a page that needs another one names it here.
VENDOR_FILES = {
    "vendor/tabler/css/tabler.min.css": NODE_MODULES / "@tabler" / "core" / "dist" / "css" / "tabler.min.css",
    "vendor/tabler/js/tabler.min.js": NODE_MODULES / "@tabler" / "core" / "dist" / "js" / "tabler.min.js",
    "vendor/htmx/htmx.min.js": NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js",
    "vendor/echarts/echarts.min.js": NODE_MODULES / "echarts" / "dist" / "echarts.min.js",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "dangjian.ui.staticfiles.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "dangjian.ui.staticfiles.ManifestStorage"
            if not DEBUG and not env_bool("DANGJIAN_PLAIN_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("DANGJIAN_PLAIN_STATIC", False)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Shared by the web server and the task worker (the jobs' progress): files on the one machine,
# or any cache location Django understands (CACHE_LOCATION).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_LOCATION", str(VAR_DIR / "cache")),
    }
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # Roster checks and imports (long) have a queue of their own: see JOB_WORKERS below.
        "QUEUES": ["default", "rosters"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# The address people open the platform at, for links in e-mails (reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# "Forgot your password?" by e-mail (a link to set a new one), for logins with an e-mail address:
# on when an SMTP server is named (EMAIL_HOST), otherwise people use a reset code from HR.
# Group-chat robots are posted to only at their platforms' own hosts (notifications.robots); an
# intranet that reaches them through a proxy names it here, as JSON: {"wecom": ["proxy:8443"]}.
NOTIFY_ROBOT_HOSTS = json.loads(os.environ.get("NOTIFY_ROBOT_HOSTS", "{}"))
PASSWORD_RESET_BY_EMAIL = env_bool("PASSWORD_RESET_BY_EMAIL", bool(os.environ.get("EMAIL_HOST")))
# The SMTP server, when EMAIL_BACKEND is the smtp backend (the default with DEBUG off).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# Sessions stay in the database (logging out revokes one on the server at once); a write of a
# session's page state gives way to a busy database instead of failing the page. Why:
# access/sessions.py and docs/architecture.md, "A busy database".
SESSION_ENGINE = "dangjian.access.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "dangjian.pages.errors.csrf_failure"  # a refused form says what to do, in the layout
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Security headers -------------------------------------------------------------------------
# Content-Security-Policy (django-csp) on every answer Django gives; why each directive is there:
# docs/architecture.md, "Security headers". Our pages, the Django admin and the API docs need no
# inline script, no eval and no inline style (ui/tests/test_browser_csp.py proves it in Chromium).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO" if DEBUG else "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Backups (dangjian/backups, docs/operations.md) ---
# Where `manage.py backup` writes when given no path (copy the archives off this machine), and
# the folder of pg_dump/pg_restore when they are not on PATH or in /usr/lib/postgresql/N/bin.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")

DANGJIAN = {
    # Items per page on list pages.
    "PAGE_SIZE": 50,
    # A choice list longer than this is searched, not listed in full (ui/lookups.py).
    "LOOKUP_LIST_MAX": 100,
    # The longest a kept choice list is shown (ui/lookups.py, "Kept lists"): any committed write to
    # the organisation tables through Django replaces it at once; this bounds what it cannot see
    # (a write made outside Django, a process killed between its commit and the new version).
    "LOOKUP_KEEP_SECONDS": int(os.environ.get("LOOKUP_KEEP_SECONDS", "600")),
    # How long the home dashboard's figures are kept before they are counted again (pages/selectors.py).
    "DASHBOARD_SECONDS": int(os.environ.get("DASHBOARD_SECONDS", "300")),
}

# --- Roster files: limits (issue 12) -----------------------------------------------------
# Checked before a file is read (dangjian/rosters/limits.py); beyond them a file is refused at
# once with what is too large, the limit and what to do. The defaults fit a province's largest
# roster with room to spare (docs/import.md has the figures they come from).
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", "200000"))  # last filled row
ROSTER_MAX_COLUMNS = int(os.environ.get("ROSTER_MAX_COLUMNS", "200"))  # last filled column
ROSTER_MAX_CELLS = int(os.environ.get("ROSTER_MAX_CELLS", "4000000"))  # filled rows × columns
ROSTER_MAX_MERGED_RANGES = int(os.environ.get("ROSTER_MAX_MERGED_RANGES", "20000"))
ROSTER_MAX_MERGED_CELLS = int(os.environ.get("ROSTER_MAX_MERGED_CELLS", "1000000"))  # their area
ROSTER_MAX_INFLATED_BYTES = int(os.environ.get("ROSTER_MAX_INFLATED_MB", "256")) * 1024 * 1024
ROSTER_MAX_COMPRESSION_RATIO = int(os.environ.get("ROSTER_MAX_COMPRESSION_RATIO", "100"))

# --- Membership transfers (issue 20) ------------------------------------------------------
# The stubs (存根) of letters to organisations outside the platform are kept this many years,
# then the daily task `transfer_stubs` removes their personal detail (docs/transfers.md).
TRANSFER_STUB_RETENTION_YEARS = int(os.environ.get("TRANSFER_STUB_RETENTION_YEARS", "10"))
# --- Party dues (issue 20) ----------------------------------------------------------------
# The day of the month members with dues unpaid are reminded (the daily task "dues_month"
# charges the month every day it finds members uncharged, and reminds on this day).
DUES_REMINDER_DAY = int(os.environ.get("DUES_REMINDER_DAY", "10"))
# Above this many monthly charges a dues statement is written in the background, with progress.
DUES_STATEMENT_SYNC_CHARGES = int(os.environ.get("DUES_STATEMENT_SYNC_CHARGES", "20000"))

# --- Background workers, time limits and health (issue 12) ------------------------------
# `manage.py run_workers` runs this many worker processes per queue (env: "default=2,rosters=1"),
# so a long roster import never holds up exports, cards or reminders, and one slow export holds
# up nothing else either: the default queue keeps a second process (docs/operations.md).
# The daily tasks the workers' supervisor runs by itself (jobs.schedule): no cron is needed. Each
# runs once a day, at or after its local time; DAILY_TASKS_AT="reminders=06:30,..." moves one,
# "reminders=off" turns it off (then run its command from cron instead: docs/operations.md).
_DAILY_AT = {name: at for name, _sep, at in (i.partition("=") for i in env_list("DAILY_TASKS_AT", "")) if at}
DAILY_TASKS = {
    name: {"run": path, "at": _DAILY_AT.get(name, default)}
    for name, path, default in (
        ("reminders", "dangjian.development.reminders.send_reminders", "07:00"),
        ("birthday_greetings", "dangjian.birthdays.services.send_greetings", "07:05"),
        ("team_charges", "dangjian.production.services.release_lapsed", "07:10"),
        ("selection_phases", "dangjian.selections.services.advance_due", "07:15"),
        ("transfer_expiry", "dangjian.transfers.services.flag_expired", "07:20"),
        ("transfer_stubs", "dangjian.transfers.services.purge_old_stubs", "07:25"),
        ("dues_month", "dangjian.dues.services.daily", "07:20"),
    )
    if _DAILY_AT.get(name, default) != "off"
}
JOB_WORKERS = {
    name: int(count)
    for name, _sep, count in (
        item.partition("=") for item in env_list("JOB_WORKERS", "default=2,rosters=1") if "=" in item
    )
}
# Seconds a job may run, by kind ("default" for the others). Past it the job is stopped (an
# exception inside it; a kill of its process 30 s later if that does not take) and failed with
# a message naming the limit. A 100,000-row import takes 3 to 7 minutes (docs/benchmarks.md).
JOB_TIME_LIMITS = {
    "default": int(os.environ.get("JOB_TIME_LIMIT", "1800")),
    "roster_check": int(os.environ.get("JOB_TIME_LIMIT_ROSTER_CHECK", "1200")),
    "roster_import": int(os.environ.get("JOB_TIME_LIMIT_ROSTER_IMPORT", "3600")),
}
JOB_KILL_GRACE_SECONDS = int(os.environ.get("JOB_KILL_GRACE_SECONDS", "30"))
# A job with no sign of life (progress, or its worker's heartbeat) for this long was stopped:
# the sweep marks it interrupted (jobs.services.sweep).
JOB_STALL_SECONDS = int(os.environ.get("JOB_STALL_SECONDS", "900"))
# Workers write a heartbeat every few seconds; the health endpoint is unhealthy (503) when a
# queue has no worker seen for this long.
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "60"))
# The audit log (docs/architecture.md, "The audit log"). Events are sealed by the background
# workers every AUDIT_SEAL_INTERVAL_SECONDS; one left unsealed longer than
# AUDIT_SEAL_MAX_AGE_SECONDS makes the audit page warn and /health/ answer 503 (the workers
# are down or stuck). The audit key keys every event and seal: a secret outside the database
# (default: derived from FIELD_ENCRYPTION_KEY). Each seal is also appended to the checkpoint
# file, which must not live in the database (copy it off the server too: docs/operations.md).
AUDIT_SEAL_INTERVAL_SECONDS = float(os.environ.get("AUDIT_SEAL_INTERVAL_SECONDS", "2"))
AUDIT_SEAL_MAX_AGE_SECONDS = int(os.environ.get("AUDIT_SEAL_MAX_AGE_SECONDS", "10"))
AUDIT_KEY = os.environ.get("AUDIT_KEY", "")
# Event ids an import reserved and never wrote (it was killed) stop holding the seals' floor back
# after this long (audit.models.AuditReservation).
AUDIT_RESERVATION_TTL_SECONDS = int(os.environ.get("AUDIT_RESERVATION_TTL_SECONDS", "900"))
AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl"))
# A load balancer probes /health/ over plain HTTP behind the TLS proxy: no redirect for it.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
