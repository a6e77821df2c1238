"""Settings for the community-corrections coordination platform.

One module, driven by the environment. Every variable is listed in
docs/configuration.md. Defaults are safe: DEBUG is off, and without DEBUG a
SECRET_KEY must be given.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean variable: 1/true/yes/on are true, 0/false/no/off/'' are false."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # A fixed key is only acceptable on a developer's machine.
        SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Set DEBUG=1 for local development, or provide SECRET_KEY."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Field keys (issue 11, item 20; docs/security.md "Keys") ------------------
# Comma-separated secrets for resident ID numbers at rest: the first encrypts, all
# decrypt. Required when DEBUG is off (system check coordination.E001); development
# falls back to a key derived from SECRET_KEY. FIELD_HASH_KEY keys the blind index
# (default: the last FIELD_ENCRYPTION_KEY entry, which rotation leaves in place).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "")

# Models holding personal data: each must have a scoping policy (accounts.scoping; a system check
# fails otherwise) and appears in docs/visibility.md.
PERSONAL_DATA_MODELS = [
    "accounts.User",
    "accounts.AccountChange",
    "services.Membership",
    "coordination.Supervisee",
    "coordination.CorrectionTeamMember",
    "coordination.Need",
    "coordination.CaseNote",
    "coordination.Consent",
    "coordination.Referral",
    "coordination.ReferralEvent",
    "coordination.AccessLog",
    "notifications.Notification",
    "notifications.Preference",
    "matching.Proposal",
    "matching.MentorProposal",
    "volunteers.Volunteer",
    "volunteers.StatusChange",
    "volunteers.TrainingRecord",
    "volunteers.Booking",
    "volunteers.HourLog",
    "volunteers.Certificate",
    "records.IssuedDocument",
    "supervision.Obligation",
    "supervision.RuleChange",
    "supervision.ObligationFeed",
    "supervision.SanctionGround",
    "supervision.ReportingOverride",
    "supervision.CheckinCode",
    "supervision.CheckIn",
    "supervision.HealthReport",
    "supervision.Visit",
    "supervision.Attendance",
    "supervision.LostContactEpisode",
    "supervision.SearchStep",
    "supervision.CorrectionPlan",
    "supervision.ClassificationReview",
    "supervision.Sentence",
    "supervision.LegalDocument",
    "supervision.StatusChange",
    "supervision.Announcement",
    "supervision.ReleaseNotice",
    "supervision.Investigation",
    "supervision.MovementRequest",
    "supervision.MovementAttachment",
    "supervision.ProhibitionOrder",
    "supervision.ProhibitionBreach",
    "supervision.MonitoringPeriod",
    "supervision.LocationDataAccess",
    "supervision.ImportedCase",
    "supervision.CounsellingSession",
    "supervision.CounsellingNote",
    "supervision.PsychAssessment",
    "bureau.StaffTraining",
    "archive.CaseArchive",
    "supervision.SanctionProposal",
    "supervision.SanctionEvidence",
    "supervision.Assessment",
    "supervision.CasePlan",
    "supervision.CaseGoal",
    "supervision.Intervention",
    "supervision.ProgressReview",
    "supervision.CasePlanEvent",
]

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "accounts",
    "services",
    "coordination",
    "matching",
    "volunteers",
    "supervision",
    "records",
    "bureau",
    "archive",
    "cms",
    "operations",
    "notifications",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_prometheus",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "config.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNulMiddleware",
    "config.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy, no-store (docs/security.md)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "accounts.middleware.ApiTokenContextMiddleware",
    "coordination.middleware.TokenUseLogMiddleware",  # one access-log row per API-token request
    # django-axes turns a locked-out login into the lockout page; after it only the metrics hook.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
                "config.context_processors.navigation",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, a worker and tests share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that accepts connections but never answers must not hold a web worker for
    # a minute: connecting and each statement give up after these many seconds (0: no limit).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    _statement_ms = int(env_float("DATABASE_STATEMENT_TIMEOUT", 30) * 1000)
    DATABASES["default"]["OPTIONS"]["options"] = (
        DATABASES["default"]["OPTIONS"].get("options", "") + f" -c statement_timeout={_statement_ms}"
    ).strip()
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: for the short queries
    # of a web page (a scope's OR over 20,000 people) compiling took 25 of 30 ms (bench/obligations.py,
    # EXPLAIN ANALYZE). Off unless DATABASE_JIT=1 (long reports may want it).
    if not env_bool("DATABASE_JIT", False):
        DATABASES["default"]["OPTIONS"]["options"] += " -c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------

CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Redis down is a cache miss, never a 500 (config/cache.py).
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            # Parallel test processes (pytest-xdist sets PYTEST_XDIST_WORKER) share one Redis
            # database; each keeps to its own keys, and clear() removes only those.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cc") + os.environ.get("PYTEST_XDIST_WORKER", ""),
            "OPTIONS": {
                "socket_connect_timeout": env_float("CACHE_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_float("CACHE_TIMEOUT", 1.0),
            },
        }
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": CACHE_URL.removeprefix("locmem://") or "default",
        }
    }
elif CACHE_URL.startswith("dummy://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, unix://, locmem:// or dummy://, got {CACHE_URL!r}"
    )

# --- Auth -------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "/"
# --- Sign-in security (issue 11: items 12, machine clients, two-factor; docs/security.md) ---
# django-axes sees every authenticate() call (site, Wagtail and Django admin logins, the
# API's token login). It locks the combination of user name and IP address after
# AXES_FAILURE_LIMIT failures for AXES_COOLOFF_HOURS, or until the bureau unlocks it.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1) or None  # hours; 0: until the bureau unlocks
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"  # X-Forwarded-For's last hop when BEHIND_PROXY
# Roles that must pass a second factor (TOTP or a recovery code) after the password.
TWO_FACTOR_REQUIRED_ROLES = ["bureau_admin", "office_officer", "office_head", "bureau_head"]
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "社区矫正协同平台")
# API tokens (django-rest-knox): stored as SHA-512 digests, named, expiring, revocable.
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name
# knox's own AuthToken is swapped out, so its migrations must not create the unused knox_authtoken
# table: it would reference accounts_user, and flushing the database (transactional tests on
# PostgreSQL) cannot truncate a table it does not know about.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
REST_KNOX = {"TOKEN_TTL": None, "TOKEN_PREFIX": "cc_", "AUTH_HEADER_PREFIX": "Token"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media -------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Attachments (signed scans, proofs, health reports): never under MEDIA_ROOT, which the proxy serves;
# read only through scoped, logged views (accounts/attachments.py). Back it up with the database.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# A class with scan(file) raising accounts.attachments.Refused (an antivirus); the default accepts all.
ATTACHMENT_SCANNER = os.environ.get("ATTACHMENT_SCANNER", "accounts.attachments.NoScanner")

# The hashed, compressed manifest needs `collectstatic`; development and the
# test suite serve straight from the finders instead.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# --- Security ---------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Wagtail's live preview shows pages in a same-origin frame, so SAMEORIGIN rather
# than DENY; the deploy check's advice (security.W019) is silenced for that reason.
X_FRAME_OPTIONS = "SAMEORIGIN"
# models.W040: the covering columns of the open-obligations index (INCLUDE) are a PostgreSQL read optimisation;
# SQLite, the newcomer's embedded database, builds the same index without them.
SILENCED_SYSTEM_CHECKS = ["security.W019", "models.W040"]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)

# The Django admin is kept for superusers only, at a path that is not guessed.
DJANGO_ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "django-admin-5f2c/").strip("/") + "/"

# --- Web security headers and API access (docs/security.md, "Web") ------------

# Paths with their own, looser Content-Security-Policy (inline scripts of Wagtail's admin,
# the Django admin and the API's interactive docs). Everything else gets the strict one.
CSP_ADMIN_PATH_PREFIXES = ["/cms-admin/", f"/{DJANGO_ADMIN_PATH}", "/api/docs/", "/api/redoc/"]
# Paths (without the /en prefix) whose responses carry personal data to whoever has the
# link, so they are sent with Cache-Control: no-store even to anonymous visitors. Every
# response for a signed-in user is no-store as well.
NO_STORE_PATH_PREFIXES = [
    "/casework/",
    "/api/",
    "/accounts/",
    "/cms-admin/",
    f"/{DJANGO_ADMIN_PATH}",
    "/volunteers/calendar/",
    "/volunteers/certificate/",
    "/volunteers/home/",
    "/volunteers/manage/",
    "/volunteers/hours/",
]
# The API's schema and interactive docs: open with DEBUG on, signed-in users only otherwise.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", DEBUG)
# Editors' avatars are not fetched from Gravatar (a third party would learn who edits).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- E-mail and SMS ---------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before an SMTP connection or reply gives up (Django's default is to wait forever).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@cc.example.cn")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Dotted path of the SMS gateway class; the default writes messages to the log.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleSmsBackend")

# --- Celery -----------------------------------------------------------------

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker, tasks run eagerly in-process: a newcomer needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# --- Broker faults: enqueueing after a commit must never block or fail the request ---
# No task result is read anywhere, so none is stored (a result backend that is down made
# every enqueue retry for ~20 s); set CELERY_RESULT_BACKEND only if a future task needs one.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
# A broker that is down or unreachable costs a request about a second, then config.queue
# logs it and the periodic sweeps (pending notifications, queued match runs) deliver later.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECT_TIMEOUT", 1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env_float("CELERY_BROKER_CONNECT_TIMEOUT", 1.0),
    "socket_timeout": env_float("CELERY_BROKER_TIMEOUT", 5.0),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# A run still queued after this many seconds is queued again by the sweep (the broker was down).
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks; apps add their own entries here. Times are Asia/Shanghai.
CELERY_BEAT_SCHEDULE = {
    "daily-health-summary": {"task": "accounts.daily_health_summary", "schedule": crontab(hour=6, minute=0)},
    "purge-idempotency-keys": {"task": "accounts.purge_idempotency_keys", "schedule": crontab(hour=3, minute=40)},
    "volunteer-shift-reminders": {"task": "volunteers.send_shift_reminders", "schedule": crontab(minute=5)},
    "volunteer-training-expiry": {
        "task": "volunteers.send_training_expiry_warnings",
        "schedule": crontab(hour=8, minute=0),
    },
    "volunteer-pending-hours-digest": {
        "task": "volunteers.send_pending_hours_digest",
        "schedule": crontab(hour=8, minute=30, day_of_week="mon"),
    },
    "notifications-deliver-pending": {
        "task": "notifications.deliver_pending_notifications",
        "schedule": crontab(minute="*/5"),
    },
    "coordination-escalate-overdue-referrals": {
        "task": "coordination.escalate_overdue_referrals",
        "schedule": crontab(minute=15),
    },
    # Raise each overdue obligation's alerts, once per level (docs/supervision.md).
    "supervision-escalate-obligations": {
        "task": "supervision.escalate_obligations",
        "schedule": crontab(minute=20),
    },
    "supervision-sync-obligations": {"task": "supervision.sync_obligations", "schedule": crontab(hour=1, minute=40)},
    # The month's assessments (and their obligations) on the 1st; sessions whose attendance is owed, daily.
    "supervision-assessment-period": {"task": "supervision.assessment_period", "schedule": crontab(hour=2, minute=30)},
    "supervision-attendance-owed": {"task": "supervision.attendance_owed", "schedule": crontab(hour=3, minute=10)},
    # Reports and visits owed, missed check-ins (lost contact) and their grounds (issue 15).
    "supervision-reporting-daily": {"task": "supervision.reporting_daily", "schedule": crontab(hour=2, minute=10)},
    # Approved travel not reported back by its last day: overdue, with the late-return ground (docs/supervision.md).
    "supervision-mark-overdue-returns": {
        "task": "supervision.mark_overdue_returns",
        "schedule": crontab(hour=0, minute=30),
    },
    # Refresh the city's match proposals every night (docs/matching.md).
    "matching-nightly-run": {"task": "matching.nightly_run", "schedule": crontab(hour=2, minute=30)},
    # Fail runs whose worker died, re-queue runs the broker lost (docs/matching.md).
    "matching-sweep-runs": {"task": "matching.sweep_runs", "schedule": crontab(minute="*")},
    # Re-queue the monthly and yearly reports the broker lost, fail those whose worker died (docs/bureau.md).
    "bureau-sweep-reports": {"task": "bureau.sweep_reports", "schedule": crontab(minute="*/5")},
}

# Matching runs never strand (docs/matching.md): a running run beats every HEARTBEAT seconds; one whose
# heartbeat is older than STALE seconds is failed by the sweep; one still queued after REQUEUE seconds
# is queued again.
MATCHING_RUN_HEARTBEAT_SECONDS = env_int("MATCHING_RUN_HEARTBEAT_SECONDS", 10)
MATCHING_RUN_STALE_SECONDS = env_int("MATCHING_RUN_STALE_SECONDS", 120)
MATCHING_RUN_REQUEUE_SECONDS = env_int("MATCHING_RUN_REQUEUE_SECONDS", 300)

# --- Wagtail ----------------------------------------------------------------

WAGTAIL_SITE_NAME = "社区矫正协同平台"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "odt", "txt"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "webp", "gif": "webp", "jpeg": "webp", "png": "webp"}

# How many resident-ID duplicate checks (intake, edit) one user may make: "<n>/<minute|hour|day>".
RESIDENT_ID_CHECK_RATE = os.environ.get("RESIDENT_ID_CHECK_RATE", "30/hour")

# --- REST framework ---------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # The browsable API (HTML forms with choice lists) only while developing: production speaks JSON.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Throttles are enabled for every view (a view may add a scope such as "application").
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min", "application": "5/hour"},
    # One error body for every API error, and a JSON parser that refuses bodies too big or too deep (docs/api.md).
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.api_errors.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Community Corrections Coordination Platform API",
    "DESCRIPTION": "社区矫正协同平台 API: directory, cases and referrals, matching, volunteers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["config.api_schema.only_platform_endpoints"],
    # Several models have a "status" field with different choices; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ArchiveVolumeKindEnum": "archive.models.VolumeKind",
        "ArchiveEndingEnum": "archive.models.Ending",
        "BureauDepartmentEnum": "bureau.models.Department",
        "BureauReportKindEnum": "bureau.models.Report.Kind",
        "BureauReportStateEnum": "bureau.models.Report.State",
        "StaffTrainingKindEnum": "bureau.models.StaffTraining.Kind",
        "VolunteerStatusEnum": "volunteers.models.Volunteer.Status",
        "ShiftStatusEnum": "volunteers.models.Shift.Status",
        "BookingStatusEnum": "volunteers.models.Booking.Status",
        "HourLogStatusEnum": "volunteers.models.HourLog.Status",
        "SuperviseeStatusEnum": "coordination.models.Supervisee.Status",
        "NeedStatusEnum": "coordination.models.Need.Status",
        "SentenceTypeEnum": "services.models.SentenceType",
        "RiskLevelEnum": "services.models.RiskLevel",
        "HouseholdTypeEnum": "services.models.HouseholdType",
        "SexEnum": "services.models.Sex",
        "SupervisionLevelEnum": "coordination.models.SupervisionLevel",
        "ClassificationReviewStateEnum": "supervision.models.ClassificationReview.State",
        "ReferralStateEnum": "coordination.models.Referral.State",
        "ReportingModeEnum": "supervision.models.CorrectionPlan.ReportingMode",
        "EducationSessionKindEnum": "supervision.education.models.Session.Kind",
        "AttendanceStatusEnum": "supervision.education.models.Attendance.Status",
        "MovementKindEnum": "supervision.movement.models.MovementRequest.Kind",
        "NoticeRecipientEnum": "supervision.movement.models.MovementRequest.Recipient",
        "ProhibitionKindEnum": "supervision.movement.models.ProhibitionOrder.Kind",
        "MonitoringGroundEnum": "supervision.movement.models.MonitoringPeriod.Ground",
        "SearchStepKindEnum": "supervision.reporting.models.SearchStep.Kind",
        "VisitKindEnum": "supervision.reporting.models.Visit.Kind",
        "VisitStateEnum": "supervision.reporting.models.Visit.State",
        "ReviewDecisionEnum": ["approve", "reject"],
        "ApproveOrRefuseEnum": ["approve", "refuse"],
        "SanctionKindEnum": "supervision.sanctions.models.SanctionProposal.Kind",
        "CaseInterventionKindEnum": "supervision.casework.models.Intervention.Kind",
        "CaseGoalStatusEnum": "supervision.casework.models.CaseGoal.Status",
        "CasePlanStatusEnum": "supervision.casework.models.CasePlan.Status",
    },
}

# --- Logging ----------------------------------------------------------------

# LOG_FORMAT=json (production, docs/deployment.md): one JSON object a line with the request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "json_ensure_ascii": False,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "jieba": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # lockouts are warnings; its start-up banner is not
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # No worker: tasks run inline, so "Task … succeeded" lines are noise in `make run`'s output.
    LOGGING["loggers"] |= {"celery": {"level": "WARNING"}, "kombu": {"level": "ERROR"}}

# --- Operations: health, metrics, heartbeat (docs/deployment.md) --------------

# Bearer token for /metrics (empty: only signed-in bureau administrators see it).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# A notification waiting, or a matching run queued/running, longer than this is stuck (readiness fails).
OPS_STUCK_AFTER_MINUTES = env_int("OPS_STUCK_AFTER_MINUTES", 30)
# Beat schedules a heartbeat task every 30 s; readiness fails when the last one is older than this.
OPS_BEAT_MAX_AGE_SECONDS = env_int("OPS_BEAT_MAX_AGE_SECONDS", 120)
CELERY_BEAT_SCHEDULE["operations-beat-heartbeat"] = {"task": "operations.beat_heartbeat", "schedule": 30.0}
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the production-shape test).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Celery's own log lines keep our format (and the request id) instead of replacing the root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Project ----------------------------------------------------------------

# The city this installation serves; the demo data is for 新密市 (Xinmi).
CITY_NAME = os.environ.get("CITY_NAME", "新密市")
SITE_URL = WAGTAILADMIN_BASE_URL
# This deployment's name in case packages sent to another deployment (docs/interchange.md): stable and
# unique among the deployments that exchange cases; by default the site's host name.
DEPLOYMENT_ID = os.environ.get("DEPLOYMENT_ID") or (urlsplit(SITE_URL).hostname or "localhost")
