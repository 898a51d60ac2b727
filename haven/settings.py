"""Haven settings: one file, every value from a HAVEN_* environment variable with a safe default."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from haven.core.private import create_private_file, make_private_dir

# Lets admin classes and querysets be subscripted in type hints at run time.
django_stubs_ext.monkeypatch()


def env(name: str, default: str = "") -> str:
    """Read HAVEN_<name>, or the contents of the file named by HAVEN_<name>_FILE (secrets)."""
    file_name = os.environ.get(f"HAVEN_{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(f"HAVEN_{name}", default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "").strip().lower()
    if not value:
        return default
    if value not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        # A typo in HAVEN_HTTPS must not quietly serve without it.
        raise ImproperlyConfigured(f"HAVEN_{name}={value!r}: write true or false")
    return value in {"1", "true", "yes", "on"}


def envint(name: str, default: int, minimum: int | None = None) -> int:
    value = env(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"HAVEN_{name}={value!r}: write a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"HAVEN_{name}={number}: at least {minimum}")
    return number


def envfloat(name: str, default: float) -> float:
    value = env(name, "")
    return float(value) if value else default


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("DATA_DIR", str(Path.home() / ".haven"))).expanduser().resolve()
make_private_dir(DATA_DIR)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data folder."""
    configured = env("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    create_private_file(key_file, secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# Every Haven area is one app with the same file set; urls, API routers, navigation,
# role permissions, dashboard panels and the demo camp are discovered from this list.
HAVEN_APPS = [
    "haven.core",
    "haven.accounts",
    "haven.people",
    "haven.stock",
    "haven.missions",
    "haven.health",
    "haven.shelter",
    "haven.rations",
    "haven.tracing",
    "haven.alerts",
    "haven.sitrep",
    "haven.audit",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from local static files, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    *HAVEN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON answers gzip-compressed (static files are compressed ahead by WhiteNoise).
    "django.middleware.gzip.GZipMiddleware",
    # Under /api/: 413 for a too-large body, 422 for a NUL character, JSON for every error.
    "haven.core.api.ApiEdgeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the language cookie, else the browser's Accept-Language (i18n).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own language, chosen in the menu, wins over the browser's.
    "haven.accounts.language.UserLanguageMiddleware",
    # Marks what a request records as arriving through the web or the API (audit log).
    "haven.audit.middleware.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haven.accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After a lockdown: the password page until a new password is set.
    "haven.audit.middleware.PasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "haven.core.middleware.HavenErrorMiddleware",
    # Reports the location, medical and protection fields a request showed (sensitive_read).
    "haven.core.policy.ReadReportingMiddleware",
    # Under /api/v1/: a write retried with the same Idempotency-Key posts nothing again.
    "haven.core.idempotency.IdempotencyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into Haven's lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

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
                "haven.core.context_processors.navigation",
                "haven.alerts.context_processors.alert_banner",
            ],
        },
    },
]


# A server thread keeps its database connection between requests: opening one cost 1.2 ms of
# CPU on SQLite (Django registers its SQL functions, Haven's PRAGMAs run) and a reconnect
# ~20 ms on PostgreSQL, on every request. A connection that broke (the server restarted) is
# noticed before the next request uses it and opened anew.
CONNECTION_SECONDS = 600


def _database(url: str) -> dict[str, Any]:
    # Test databases are named per process so that two test runs at once never share one.
    if url:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=CONNECTION_SECONDS, conn_health_checks=True)
        )
        config["TEST"] = {"NAME": f"test_haven_{os.getpid()}"}
        return config
    # Made here as an empty private file: SQLite gives its -wal and -shm files the same mode.
    create_private_file(DATA_DIR / "haven.sqlite3")
    return {
        # Django's, with one process's threads queueing for the write lock (see there).
        "ENGINE": "haven.core.backends.sqlite3",
        "NAME": DATA_DIR / "haven.sqlite3",
        "CONN_MAX_AGE": CONNECTION_SECONDS,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # WAL lets readers go on while one clerk writes; IMMEDIATE takes the write lock
            # at the start of each transaction so two writers never both read a stale balance.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
        "TEST": {"NAME": str(DATA_DIR / f"test-haven-{os.getpid()}.sqlite3")},
    }


DATABASES = {"default": _database(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Used by `haven init`, user creation and every password change.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks the lockout first; a locked-out (username, address) never reaches the
# password check. RoleBackend is ModelBackend reading a user's role and permissions in one
# query. ModelBackend itself is not listed again: a failed sign-in would check the password
# twice; a session signed in before RoleBackend (it names its backend) signs in once more.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "haven.accounts.backends.RoleBackend",
]
# Lockout per username *and* address together: a guesser at one address is stopped after the
# limit, yet cannot lock the commander out of every other device, and a shared address (a
# camp LAN behind one router) does not lock everyone out. Bad bearer tokens count per address.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "haven.accounts.lockout.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "haven.accounts.lockout.client_address"
# Comma-separated roles that must use a second factor (TOTP) to sign in, e.g. "commander".
HAVEN_REQUIRE_2FA_FOR = [r.strip() for r in env("REQUIRE_2FA_FOR", "").split(",") if r.strip()]
OTP_TOTP_ISSUER = env("CAMP_NAME", "Haven camp")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The interface's languages (i18n): each app keeps its catalogs in haven/<app>/locale/,
# made by scripts/messages. Arabic is written right to left (base.html sets dir="rtl").
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ar", "العربية")]
LANGUAGE_COOKIE_NAME = "haven_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
# The hashed copies are all a page names once collected; plain names come from the finders.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_AUTOREFRESH = DEBUG
# Hashed names (collected by `haven serve`) are cached for a year; plain names for an hour.
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "haven.core.staticfiles.HavenStaticStorage"},
}
MEDIA_ROOT = DATA_DIR / "uploads"
BACKUP_DIR = DATA_DIR / "backups"
# `haven serve` takes a backup a day into BACKUP_DIR and keeps the newest this many (0: none);
# encrypted when a passphrase is set (HAVEN_BACKUP_PASSPHRASE_FILE names a file holding it).
# Read by haven.audit.backup.daily_backups, which names the variable when it is not a number.
HAVEN_BACKUP_KEEP = env("BACKUP_KEEP", "7")
HAVEN_BACKUP_PASSPHRASE = env("BACKUP_PASSPHRASE")

# Behind a TLS reverse proxy (README): Secure cookies, HSTS, redirect to https.
HAVEN_HTTPS = envbool("HTTPS", False)
if HAVEN_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # The proxy says the request came over TLS; only ever set behind a proxy that sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000, minimum=1)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a name submitted to the browsers' preload list is affected; a LAN name never is.
    SECURE_HSTS_PRELOAD = True
# On every page in every mode: scripts only from Haven's own static files, never inline.
# Inline style attributes are still used by the templates, hence 'unsafe-inline' for styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    # 4xx are logged by the access log; django.request would add a traceback to each 403.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # Lockouts are warnings; each failed attempt on its own is not worth a line.
        "axes": {"level": "WARNING"},
    },
}

# Planning standards (Sphere / UNHCR); settings, never literals in code.
HAVEN_CAMP_NAME = env("CAMP_NAME", "Haven camp")
HAVEN_STANDARD_KCAL_PER_PERSON_DAY = envint("STANDARD_KCAL", 2100)
HAVEN_STANDARD_WATER_L_PER_PERSON_DAY = envfloat("STANDARD_WATER_L", 15.0)
HAVEN_SURVIVAL_WATER_L_PER_PERSON_DAY = envfloat("SURVIVAL_WATER_L", 7.5)
HAVEN_COVERED_M2_PER_PERSON = envfloat("COVERED_M2_PER_PERSON", 3.5)
HAVEN_COLD_CLIMATE = envbool("COLD_CLIMATE", False)
HAVEN_COLD_COVERED_M2_PER_PERSON = envfloat("COLD_COVERED_M2_PER_PERSON", 4.5)
# API lists: rows in a page unless `limit` says otherwise, and the most `limit` may ask for.
HAVEN_API_PAGE_SIZE = envint("API_PAGE_SIZE", 100)
HAVEN_API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", 1000)
# Hours an API write's Idempotency-Key is remembered (a retry within them posts nothing).
HAVEN_IDEMPOTENCY_HOURS = envint("IDEMPOTENCY_HOURS", 24)
if HAVEN_IDEMPOTENCY_HOURS < 1:
    raise ValueError(f"HAVEN_IDEMPOTENCY_HOURS must be at least 1, not {HAVEN_IDEMPOTENCY_HOURS}")
# How far ahead of the server clock a recorded time may be (clocks drift between devices).
HAVEN_FUTURE_TOLERANCE_MINUTES = envfloat("FUTURE_TOLERANCE_MINUTES", 5.0)

# Health (haven.health): minutes until a casualty must be triaged again, per category;
# 0 means never (the dead). The starting population is used until the commander sets one.
HAVEN_RETRIAGE_RED_MINUTES = envint("RETRIAGE_RED_MINUTES", 15)
HAVEN_RETRIAGE_YELLOW_MINUTES = envint("RETRIAGE_YELLOW_MINUTES", 60)
HAVEN_RETRIAGE_GREEN_MINUTES = envint("RETRIAGE_GREEN_MINUTES", 240)
HAVEN_RETRIAGE_EXPECTANT_MINUTES = envint("RETRIAGE_EXPECTANT_MINUTES", 60)
HAVEN_TRIAGE_CHILD_UNDER_YEARS = envfloat("TRIAGE_CHILD_UNDER_YEARS", 8.0)
HAVEN_STARTING_POPULATION = envint("STARTING_POPULATION", 0)

# Rations, fabrication and runway forecast (haven.rations).
HAVEN_RATIONS_DEFAULT_DAYS = envint("RATIONS_DEFAULT_DAYS", 7)
# Share of each item kept back from a distribution (clinic, emergencies).
HAVEN_RATIONS_RESERVE_FRACTION = envfloat("RATIONS_RESERVE_FRACTION", 0.0)
# Treatments an injured person needs per day, by medical category (on medical advice).
HAVEN_RATIONS_INJURED_DOSES_PER_DAY = {"trauma": envfloat("RATIONS_INJURED_TRAUMA_DOSES", 1.0)}
# Fabrication may burn food only above this many days of the camp's food need.
HAVEN_FABRICATION_FOOD_RESERVE_DAYS = envfloat("FABRICATION_FOOD_RESERVE_DAYS", 3.0)
HAVEN_FABRICATION_HORIZON_DAYS = envint("FABRICATION_HORIZON_DAYS", 7)
HAVEN_FORECAST_HORIZON_DAYS = envint("FORECAST_HORIZON_DAYS", 30)
HAVEN_FORECAST_SCENARIOS = envint("FORECAST_SCENARIOS", 2000)
HAVEN_FORECAST_HISTORY_DAYS = envint("FORECAST_HISTORY_DAYS", 14)
# How often the worker looks for a computed result (forecast, risk panel) gone stale, and
# how long a claim on one computation keeps other workers off it.
HAVEN_WORKER_INTERVAL_SECONDS = envfloat("WORKER_INTERVAL_SECONDS", 5.0)
HAVEN_WORKER_CLAIM_SECONDS = envint("WORKER_CLAIM_SECONDS", 300)

# Shelter (haven.shelter): the tent the shortfall is counted in when no tent types are recorded.
HAVEN_SHELTER_TENT_NAME = env("SHELTER_TENT_NAME", "Family tent")
HAVEN_SHELTER_TENT_M2 = envfloat("SHELTER_TENT_M2", 16.0)
# Seconds HiGHS may spend proving a shelter plan optimal before the best plan found is used.
HAVEN_SHELTER_PLAN_SECONDS = envfloat("SHELTER_PLAN_SECONDS", 5.0)

# Stock and missions (haven.stock, haven.missions): runway thresholds and window.
HAVEN_RUNWAY_WINDOW_DAYS = envint("RUNWAY_WINDOW_DAYS", 7)
HAVEN_RUNWAY_MIN_DAYS = envfloat("RUNWAY_MIN_DAYS", 5.0)
HAVEN_RUNWAY_REORDER_DAYS = envfloat("RUNWAY_REORDER_DAYS", 14.0)

# Alerts (haven.alerts): an Actual alert needs a second person's approval before it is issued;
# the CAP sender (no spaces or commas); how long an alert is in force unless it says.
HAVEN_ALERTS_TWO_PERSON = envbool("ALERTS_TWO_PERSON", True)
HAVEN_ALERTS_SENDER = env("ALERTS_SENDER", "haven@camp.invalid").strip()
if not HAVEN_ALERTS_SENDER or any(c in HAVEN_ALERTS_SENDER for c in " \t,<&"):
    raise ImproperlyConfigured(
        f"HAVEN_ALERTS_SENDER={HAVEN_ALERTS_SENDER!r}: no spaces, commas, < or & (CAP sender)"
    )
HAVEN_ALERTS_DEFAULT_HOURS = envint("ALERTS_DEFAULT_HOURS", 24, minimum=1)

# Tracing (haven.tracing): the domain of this camp's PFIF record ids (`domain/local-id`).
HAVEN_PFIF_DOMAIN = env("PFIF_DOMAIN", "haven.invalid")
