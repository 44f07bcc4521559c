"""Settings shared by every environment.

Everything that differs between machines comes from environment variables;
unset, they point at the project-local PostgreSQL and Redis that
`make services` starts on 127.0.0.1.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    """A variable set but empty counts as unset (docker-compose writes `${X:-}` as "")."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def redis_db(url: str, db: int) -> str:
    """The same Redis server, another database number."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


LOCAL_PG_PORT = env("TP_PG_PORT", "54329")
LOCAL_REDIS_PORT = env("TP_REDIS_PORT", "63799")

SECRET_KEY = env("SECRET_KEY", "insecure-local-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The region this deployment serves; figures default to it.
PORTAL_REGION = env("PORTAL_REGION", "Midlands")
PORTAL_NAME = env("PORTAL_NAME", "Midlands Talent and Leadership Academy")
# Where people write for help, and about their data (the footer's pages say so).
PORTAL_CONTACT_EMAIL = env("PORTAL_CONTACT_EMAIL", "talent.academy@talentportal.example")
PORTAL_PRIVACY_EMAIL = env("PORTAL_PRIVACY_EMAIL", "data.protection@talentportal.example")
# Absolute links in emails.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "talentportal.directory",
    "talentportal.notifications",
    "programmes",
    "coaching",
    "talentpools",
    "reporting",
]

# Pages (GET) change no audited record; without the context, a GET's statements run as they are.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The audit trail in the admin (Events): when, what, the change, and who (the context holds
# the signed-in person's account id and the page, or the import that made it).
PGHISTORY_ADMIN_LIST_DISPLAY = [
    "pgh_created_at",
    "pgh_obj_model",
    "pgh_obj_id",
    "pgh_diff",
    "pgh_context",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff sessions end after SESSION_STAFF_IDLE_SECONDS idle or SESSION_STAFF_MAX_SECONDS.
    "talentportal.directory.middleware.SessionTimeoutMiddleware",
    # Records who made each audited change (django-pghistory context) on requests that may
    # change something (PGHISTORY_MIDDLEWARE_METHODS).
    "pghistory.middleware.HistoryMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "talentportal.core.middleware.ServiceUnavailableMiddleware",
    "talentportal.core.middleware.RejectNullCharactersMiddleware",
    "talentportal.core.middleware.ApplicationErrorMiddleware",
    "talentportal.core.middleware.AdminListLookupMiddleware",
    "talentportal.directory.middleware.MFARequiredMiddleware",
]

ROOT_URLCONF = "talentportal.urls"
WSGI_APPLICATION = "talentportal.wsgi.application"

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
                "csp.context_processors.nonce",
                "talentportal.core.context_processors.portal",
            ],
            "libraries": {"portal": "talentportal.core.templatetags.portal"},
        },
    }
]
# Our templates override Django's widget templates with NHS.UK frontend markup.
FORM_RENDERER = "talentportal.core.forms.NHSFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env(
            "DATABASE_URL",
            f"postgres://talentportal:talentportal@127.0.0.1:{LOCAL_PG_PORT}/talentportal",
        ),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "tp"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "directory:dashboard"

# django-allauth: email is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SIGNUP_FORM_CLASS = "talentportal.directory.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "talentportal.directory.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{PORTAL_NAME}: "
# Five wrong passwords for one address in 5 minutes, or ten from one client in a minute, stop
# password sign-in there for a while: the page says for how many seconds (AccountAdapter) and
# offers a code by email instead, so an attacker hammering an account never locks its owner
# out (staff still give their second factor after the code). Clients are told apart by
# REMOTE_ADDR, or behind proxies by ALLAUTH_TRUSTED_PROXY_COUNT (production.py).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "NHS Talent Portal")
# Roles that can see talent or equality data must use two-factor authentication.
MFA_ENFORCED = env_bool("MFA_ENFORCED", True)
MFA_ADAPTER = "talentportal.directory.adapters.MFAAdapter"
# One 30-second step of clock drift either way, as RFC 6238 recommends; a code is still
# accepted only once (talentportal.directory.mfa records the last accepted step).
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "talentportal.directory.mfa.AuthenticateForm",
    "reauthenticate": "talentportal.directory.mfa.ReauthenticateForm",
    "activate_totp": "talentportal.directory.mfa.ActivateTOTPForm",
}
# Fernet keys for TOTP secrets and recovery-code seeds, at rest and in the session, comma
# separated: the first encrypts, every one decrypts (`manage.py mfa_rotate_keys` moves all
# onto the first). Unset, a key is derived from SECRET_KEY; production requires it set.
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEYS")
# `load_demo` publishes its passwords: never in production.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", False)

LANGUAGE_CODE = "en-gb"
# The portal's own words for allauth's pages (locale/en_GB/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "talentportal.core.storage.StaticStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: every message goes into the outbox table and is delivered by Celery
# through NOTIFICATIONS_DELIVERY_BACKEND (SMTP in production).
EMAIL_BACKEND = "talentportal.notifications.backends.OutboxBackend"
NOTIFICATIONS_DELIVERY_BACKEND = env(
    "NOTIFICATIONS_DELIVERY_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / ".run" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Talent Portal <no-reply@talentportal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery over Redis. Tasks are dispatched after commit; the outbox sweep
# resends anything whose dispatch was lost (for example Redis was down).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE = {
    "email-sweep": {
        "task": "talentportal.notifications.tasks.email_sweep_task",
        "schedule": timedelta(minutes=1),
    },
    "email-prune": {
        "task": "talentportal.notifications.tasks.email_prune_task",
        "schedule": crontab(hour=3, minute=17),
    },
}

# Messages ride in a signed cookie (the session only if one outgrows it), so a booking or any
# other POST that says "done" does not rewrite the session row, nor does the page that shows it.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"
SESSION_COOKIE_HTTPONLY = True
# Sessions of roles that see talent or equality data (MFA_ROLES) end after this long without a
# request, and this long after signing in however busy; a page warns SESSION_WARNING_SECONDS
# before and can extend the idle time ("Stay signed in"). Everyone else keeps Django's two
# weeks with "Remember me". Activity is written to the session at most once a minute
# (talentportal/directory/sessions.py); SESSION_SAVE_EVERY_REQUEST stays off.
SESSION_STAFF_IDLE_SECONDS = int(env("SESSION_STAFF_IDLE_SECONDS", str(30 * 60)))
SESSION_STAFF_MAX_SECONDS = int(env("SESSION_STAFF_MAX_SECONDS", str(12 * 60 * 60)))
SESSION_WARNING_SECONDS = 2 * 60
SESSION_ACTIVITY_INTERVAL_SECONDS = 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

DJANGO_TABLES2_TEMPLATE = "_table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Equality breakdowns of live groups (pool, cohorts, intakes, programmes' reach) are published
# from snapshots taken every night at most once per this many days (1 = daily, 7 = weekly),
# so one person joining never shows on its own (talentportal/core/disclosure.py).
EQUALITY_SNAPSHOT_DAYS = max(1, int(env("EQUALITY_SNAPSHOT_DAYS", "1")))
# The secret behind the perturbation of published counts; SECRET_KEY derives one if unset.
# Changing it re-perturbs every table, so keep it across SECRET_KEY rotations.
DISCLOSURE_KEY = env("DISCLOSURE_KEY", "")
CELERY_BEAT_SCHEDULE.update(
    {
        "talentpools-make-up-snapshots": {
            "task": "talentpools.tasks.make_up_snapshots_task",
            "schedule": crontab(hour=2, minute=40),
        },
        "programmes-reach-snapshots": {
            "task": "programmes.tasks.reach_snapshots_task",
            "schedule": crontab(hour=2, minute=50),
        },
    }
)

# Programmes: booking rules the academy can tune.
PROGRAMMES_OFFER_HOURS = int(env("PROGRAMMES_OFFER_HOURS", "48"))
PROGRAMMES_LATE_CANCELLATION_HOURS = int(env("PROGRAMMES_LATE_CANCELLATION_HOURS", "48"))
PROGRAMMES_REMINDER_HOURS = int(env("PROGRAMMES_REMINDER_HOURS", "24"))
CELERY_BEAT_SCHEDULE.update(
    {
        "programmes-offers-expire": {
            "task": "programmes.tasks.offers_expire_task",
            "schedule": timedelta(minutes=5),
        },
        "programmes-reminders": {
            "task": "programmes.tasks.reminders_send_task",
            "schedule": timedelta(minutes=15),
        },
    }
)

# Coaching and mentoring: the rules the team can tune.
COACHING_MIN_CLIENT_BAND = {  # lowest Agenda for Change band of a client, per kind
    "coaching": env("COACHING_MIN_CLIENT_BAND", "4"),
    "mentoring": env("MENTORING_MIN_CLIENT_BAND", "4"),
}
COACHING_MIN_PRACTITIONER_BAND = {  # lowest band of a practitioner, per kind
    "coaching": env("COACHING_MIN_PRACTITIONER_BAND", ""),
    "mentoring": env("MENTORING_MIN_PRACTITIONER_BAND", "7"),
}
COACHING_SHORTLIST_SIZE = int(env("COACHING_SHORTLIST_SIZE", "5"))
COACHING_RESPONSE_DAYS = int(env("COACHING_RESPONSE_DAYS", "7"))
COACHING_SUPERVISION_MONTHS = 12
COACHING_INACTIVE_REMINDER_DAYS = int(env("COACHING_INACTIVE_REMINDER_DAYS", "60"))
COACHING_INACTIVE_CLOSE_DAYS = int(env("COACHING_INACTIVE_CLOSE_DAYS", "120"))
CELERY_BEAT_SCHEDULE.update(
    {
        "coaching-daily": {
            "task": "coaching.tasks.coaching_daily_task",
            "schedule": crontab(hour=6, minute=30),
        },
    }
)

# The year in review: PDFs are built by Celery; the sweep requeues lost dispatches.
CELERY_BEAT_SCHEDULE.update(
    {
        "reporting-sweep": {
            "task": "reporting.tasks.report_sweep_task",
            "schedule": timedelta(minutes=1),
        },
        # Changes counted into the summary tables of the year's figures (reporting/summaries).
        "reporting-summaries": {
            "task": "reporting.tasks.summaries_refresh_task",
            "schedule": timedelta(seconds=15),
            "options": {"expires": 14},
        },
    }
)
