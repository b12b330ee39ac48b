# Kept whole: one settings module read from the environment (STYLE.md), each section with the issue that needs it.
"""Settings for the Amman e-Services Portal, read from the environment.

Every value has an embedded default that needs nothing installed (SQLite, in-process cache,
eager Celery, console SMS), so `make run` works on a bare machine. Production sets DEBUG=False
and must then provide a real SECRET_KEY and ALLOWED_HOSTS, or start-up stops with a message
naming the variable (see ``portal.envcheck``).
"""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal.envcheck import ConfigError, check_dependent, check_production, check_proxies, check_sanad, read_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

# read_env() wraps django-environ so that a malformed value stops start-up naming the variable.
DEBUG = read_env(env.bool, "DEBUG", default=True)
SECRET_KEY = read_env(env.str, "SECRET_KEY", default="", file_ok=True)
ALLOWED_HOSTS = read_env(
    env.list, "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = read_env(env.list, "CSRF_TRUSTED_ORIGINS", default=[])
DATA_DIR = Path(read_env(env.str, "DATA_DIR", default=str(BASE_DIR / "var")))

if DEBUG and not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    # Sign in with Sanad (OpenID Connect); installed always so the schema never depends on the
    # environment, offered only when SANAD_ISSUER_URL is set (accounts.sanad).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Project apps: dependencies point down this list (service apps use services/payments/accounts).
    "core",
    "notifications",
    "portal",
    "accounts",
    "services",
    "payments",
    "violations",
    "accidents",
    "contractors",
    "licensing",
    "api",
    "performance",
]

MIDDLEWARE = [
    # The request id (X-Request-ID) for every log line of the request and the tasks it enqueues, then the
    # request's latency and log line (issue 19, operations: portal.observability, portal.metrics).
    "portal.observability.RequestIdMiddleware",
    "portal.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    # The two eFAWATEERcom biller endpoints (signed machine messages) are answered here, past the session,
    # user, OTP, allauth, axes and audit middleware below (portal.lean, issue 20).
    "portal.lean.BillerLeanPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page language: the browser's choice (cookie), else Arabic; Accept-Language only for the API.
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff second factor (portal.mfa): request.user.is_verified(), then admin pages need it.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    # "My devices": each signed-in browser's last use (accounts.sessions).
    "accounts.middleware.UserSessionMiddleware",
    "portal.mfa.StaffMFAMiddleware",
    # Who is acting, for the audit trail (portal.audit); records staff views of personal data.
    "portal.audit.AuditMiddleware",
    "accounts.middleware.MobileVerificationMiddleware",
    # A view that raises Ratelimited (e.g. @ratelimit(block=True)) answers with RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # The private file store down (S3 unreachable, bucket missing, keys refused): a 503 page, not a 500.
    "portal.middleware.StorageUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": read_env(env.db_url, "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", read_env(env.int, "CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: the few statements every request of a kind runs (core.sql.cursor: the eFAWATEERcom bill pull's
# look-up and record, the violations inquiry's) are prepared, parsed and planned once per connection rather than
# once per request (issue 20). Everything else keeps Django's client-side binding: a prepared statement's
# generic plan made the dashboards' range queries slower. Off for a pooler that cannot keep prepared statements
# (PgBouncer in transaction mode before 1.21).
DATABASE_PREPARED_STATEMENTS = read_env(env.bool, "DATABASE_PREPARED_STATEMENTS", default=True)
# Several developers (or helpers) may run the suite at once against one PostgreSQL server.
_test_db_name = read_env(env.str, "DATABASE_TEST_NAME", default="")
if _test_db_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_db_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------------------
REDIS_URL = read_env(env.str, "REDIS_URL", default="", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            # RedisCache that answers as a miss (and logs a warning) while Redis is down: see portal/cache.py.
            "BACKEND": "portal.cache.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": read_env(env.str, "CACHE_KEY_PREFIX", default="portal"),
            # Fail fast rather than hold a request while Redis is unreachable.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}

CELERY_BROKER_URL = read_env(
    env.str, "CELERY_BROKER_URL", default=REDIS_URL or "memory://", schemes=("redis", "rediss", "amqp", "memory")
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = read_env(env.bool, "CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Amman"
# While the broker is down an enqueue gives up quickly (the row stays queued and the recovery sweep sends
# it later) instead of holding the request; a task whose worker died is redelivered after the visibility
# timeout, which must outlast the longest retry countdown (notifications.sending.SMS_RETRY_MAX_SECONDS).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": read_env(env.int, "CELERY_VISIBILITY_TIMEOUT", default=7200),
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker logs through settings.LOGGING (JSON lines with the request id), not through Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "deadline-sweep": {"task": "services.tasks.deadline_sweep", "schedule": 60.0},
    # Named services.tasks.* since the first release (notifications.tasks keeps the name; see there).
    "sms-recover": {"task": "services.tasks.notifications_recover_sweep", "schedule": 300.0},
    "bills-expire": {"task": "payments.tasks.bills_expire_sweep", "schedule": 300.0},
    # portal.retention: expired codes and old uploads of closed cases; the ledger is never touched.
    "retention-purge": {"task": "portal.tasks.retention_purge", "schedule": 24 * 3600.0},
    # Objects no upload or document row points at (an interrupted upload), a day after they were written.
    "private-files-orphans": {"task": "services.tasks.private_files_orphans_sweep", "schedule": 24 * 3600.0},
    # The performance rollups recomputed (a no-op when right) and the day that ended sealed, after midnight.
    "performance-rollups": {"task": "performance.tasks.rollups_rebuild", "schedule": crontab(hour=0, minute=20)},
}

# --- Retention (portal.retention) -----------------------------------------------------------
# One-time SMS codes are deleted this long after they expired (kept a day for support questions).
RETENTION_CODES_DAYS = read_env(env.int, "RETENTION_CODES_DAYS", default=1)
# Files people uploaded to a case are deleted this long after the case closed (the record of the
# upload - name, size, SHA-256 - stays, so the timeline still says what was given).
RETENTION_UPLOADS_DAYS = read_env(env.int, "RETENTION_UPLOADS_DAYS", default=365)

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # National number, personal number or mobile number + password (the portal's sign-in).
    "accounts.backends.IdentifierBackend",
    # Django's and allauth's backends, each with the portal's read of the session's person (accounts.backends).
    "accounts.backends.UsernameBackend",
    "accounts.backends.AllauthBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "login": "accounts.forms.LoginForm"}
# "username" is the login method allauth knows; accounts.backends resolves the number typed into it.
ACCOUNT_LOGIN_METHODS = {"username"}
# E-mail is optional (see README "Accounts"): SMS to the verified mobile is the portal's channel.
ACCOUNT_SIGNUP_FIELDS = ["email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# account.W001 expects a username field on the sign-up form; people never type a username here.
SILENCED_SYSTEM_CHECKS = ["account.W001"]
# Failed sign-ins are counted by django-axes and sign-ups by django-ratelimit (accounts.security):
# one counter each, so that resetting the password by SMS really lifts a lockout.
ACCOUNT_RATE_LIMITS = {"login_failed": None, "signup": None}
# Changing the mobile number or the e-mail addresses asks for the password again unless it was given
# in the last five minutes (issue 17, finding 1: a borrowed session must not take the account over).
# The password change form asks for the current password itself.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
SESSION_COOKIE_AGE = 14 * 24 * 3600
# Sessions are read from the cache (Redis) and written through to the database, which stays the record:
# a signed-in page costs no session query, and a Redis restart signs no one out (issue 20).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Sign in with Sanad (README "Sign in with Sanad") --------------------------------------
# Jordan's national digital identity over OpenID Connect (authorization code + PKCE, nonce, signed
# ID token), through allauth's openid_connect provider as "sanad"; off while the issuer is unset.
SANAD_ISSUER_URL = read_env(env.str, "SANAD_ISSUER_URL", default="", schemes=("https", "http"))
SANAD_CLIENT_ID = read_env(env.str, "SANAD_CLIENT_ID", default="")
SANAD_CLIENT_SECRET = read_env(env.str, "SANAD_CLIENT_SECRET", default="", file_ok=True)
# The claim (ID token or userinfo) that carries the national number, or a resident's personal number.
SANAD_ID_CLAIM = read_env(env.str, "SANAD_ID_CLAIM", default="national_id")
SANAD_BUTTON_LABEL = read_env(env.str, "SANAD_BUTTON_LABEL", default="الدخول عبر سند")
SOCIALACCOUNT_ADAPTER = "accounts.sanad.adapter.SanadAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    # allauth's own hook for a provider subclass: ours sends a nonce and checks it, and checks the ID
    # token's signature even when it came straight from the token endpoint (accounts.sanad).
    "openid_connect": {"provider_class": "accounts.sanad.provider.SanadProvider", "OAUTH_PKCE_ENABLED": True},
}
# A Sanad sign-in never finds or joins an account by e-mail: only the proven number counts.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
# Starting a sign-in is a POST with the CSRF token (the button is a form), never a link.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Staff reach the admin only with a TOTP code on top of the password (portal.mfa). With it off,
# `check --deploy` (so `make check`) fails (portal.checks); test settings switch it off for other apps' admin tests.
STAFF_MFA_REQUIRED = read_env(env.bool, "STAFF_MFA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "GAM e-services"
SESSION_COOKIE_SAMESITE = "Lax"

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Jordanian number format (decimal point) over Django's Arabic one: see portal/formats/ar/formats.py.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Amman"
USE_I18N = True
USE_TZ = True

# --- Static, media and private files ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from the npm registry at install time (`npm ci`), never committed.
# Only Bootstrap is served: the rest of node_modules (test tools such as axe-core) stays private.
# Bootstrap's CSS is the purged build of `make assets` (tools/purge_css.mjs: only the classes the templates use,
# git-ignored static-build/), or the whole package's when that has not been built.
_BOOTSTRAP_CSS = BASE_DIR / "static-build" / "bootstrap" / "css"
if not (_BOOTSTRAP_CSS / "bootstrap.rtl.min.css").is_file():
    _BOOTSTRAP_CSS = BASE_DIR / "node_modules" / "bootstrap" / "dist" / "css"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap/dist/css", _BOOTSTRAP_CSS),
    ("vendor/bootstrap/dist/js", BASE_DIR / "node_modules" / "bootstrap" / "dist" / "js"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Private files on S3-compatible object storage (AWS S3, MinIO, Ceph) when S3_BUCKET is set, so any number of
# web nodes and workers see the same files (issue 19); the local disk (DATA_DIR/private) otherwise, the
# zero-setup default. The bucket stays private: files are streamed through the views that check permission,
# never linked. Keys may come from files (S3_ACCESS_KEY_ID_FILE, S3_SECRET_ACCESS_KEY_FILE) or, on AWS, from the
# instance's role (leave them unset). `manage.py check --deploy` and /healthz/ready name the variable at fault.
S3_BUCKET = read_env(env.str, "S3_BUCKET", default="")
if S3_BUCKET:
    from botocore.config import Config as S3Config

    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": read_env(env.str, "S3_ENDPOINT_URL", default="", schemes=("http", "https")) or None,
            "access_key": read_env(env.str, "S3_ACCESS_KEY_ID", default="", file_ok=True) or None,
            "secret_key": read_env(env.str, "S3_SECRET_ACCESS_KEY", default="", file_ok=True) or None,
            "region_name": read_env(env.str, "S3_REGION", default="us-east-1"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # MinIO and most S3-compatible stores want path-style addresses (http://host:9000/bucket/key).
            "addressing_style": read_env(env.str, "S3_ADDRESSING_STYLE", default="path", choices=("path", "virtual")),
            "signature_version": "s3v4",
            # Bounded: an unreachable store answers a 503 within seconds, not after a minute of retries.
            "client_config": S3Config(
                connect_timeout=3,
                read_timeout=20,
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": read_env(env.str, "S3_ADDRESSING_STYLE", default="path")},
                signature_version="s3v4",
            ),
        },
    }
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
UPLOAD_MAX_BYTES = read_env(env.int, "UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
WHITENOISE_KEEP_ONLY_HASHED_FILES = False

# --- Forms --------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- SMS ----------------------------------------------------------------------------------
# console (default): printed; outbox: stored only (tests, demo); http: a gateway over HTTP.
SMS_BACKEND = read_env(env.str, "SMS_BACKEND", default="console", choices=("console", "outbox", "http"))
SMS_HTTP_URL = read_env(env.str, "SMS_HTTP_URL", default="", schemes=("http", "https"))
SMS_HTTP_USERNAME = read_env(env.str, "SMS_HTTP_USERNAME", default="")
SMS_HTTP_PASSWORD = read_env(env.str, "SMS_HTTP_PASSWORD", default="", file_ok=True)
SMS_SENDER_ID = read_env(env.str, "SMS_SENDER_ID", default="GAM")
EMAIL_BACKEND = read_env(env.str, "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = read_env(env.str, "DEFAULT_FROM_EMAIL", default="eservices@amman.jo")

# --- eFAWATEERcom (see ../shared/EFAWATEERCOM.md) -----------------------------------------
EFAWATEERCOM_BILLER_CODE = read_env(env.str, "EFAWATEERCOM_BILLER_CODE", default="117")
EFAWATEERCOM_SENDER_CODE = read_env(env.str, "EFAWATEERCOM_SENDER_CODE", default="1")
EFAWATEERCOM_PEER_PUBLIC_KEY = read_env(env.str, "EFAWATEERCOM_PEER_PUBLIC_KEY", default="")
EFAWATEERCOM_BILLER_PRIVATE_KEY = read_env(env.str, "EFAWATEERCOM_BILLER_PRIVATE_KEY", default="")

# --- Site ---------------------------------------------------------------------------------
SITE_URL = read_env(env.str, "SITE_URL", default="http://127.0.0.1:8000", schemes=("http", "https"))
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "core.ratelimit.too_many_requests"
RATELIMIT_ENABLE = read_env(env.bool, "RATELIMIT_ENABLE", default=True)
# With the cache down a rate limit cannot count: pages are served unthrottled (portal/cache.py logs it)
# rather than refused. Sign-in lockouts are counted in the database (django-axes) and still apply.
RATELIMIT_FAIL_OPEN = read_env(env.bool, "RATELIMIT_FAIL_OPEN", default=True)

# --- Client address, sign-in lockouts and limits (issue 17) ------------------------------
# Behind a TLS proxy REMOTE_ADDR is the proxy's: the client's address is read from X-Forwarded-For
# after the proxies named here (core.ratelimit.client_ip), for lockouts, rate limits and the audit
# trail alike. Name them (addresses or CIDR networks), or say how many there are; by default none.
TRUSTED_PROXIES = read_env(env.list, "TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_COUNT = read_env(env.int, "TRUSTED_PROXY_COUNT", default=0)
try:
    check_proxies(TRUSTED_PROXIES=TRUSTED_PROXIES, TRUSTED_PROXY_COUNT=TRUSTED_PROXY_COUNT)
except ConfigError as exc:  # pragma: no cover - exercised by subprocess tests (portal/tests/test_settings.py)
    raise SystemExit(str(exc)) from None
RATELIMIT_IP_META_KEY = "core.ratelimit.ratelimit_ip"
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
# Failed sign-ins (web and app token alike) lock one account from one address after
# AXES_FAILURE_LIMIT, and the account from everywhere after AXES_ACCOUNT_FAILURE_LIMIT
# (accounts.security.LockoutHandler); never an address alone: behind a NAT or a mobile carrier one
# address is many people, so one attacker could lock them all.
AXES_HANDLER = "accounts.security.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = "accounts.security.lockout_parameters"
AXES_FAILURE_LIMIT = read_env(env.int, "AXES_FAILURE_LIMIT", default=5)
AXES_ACCOUNT_FAILURE_LIMIT = read_env(env.int, "AXES_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
# One failure counter per account, whichever of its numbers (or way of writing it) was typed.
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

# --- Security -----------------------------------------------------------------------------
# Writes to these are in the audit trail (portal.audit) with who, when and what changed.
AUDITED_MODELS = [
    "payments.Bill",
    "payments.Payment",
    "payments.Receipt",
    "contractors.Contractor",
    "contractors.Permit",
    "licensing.ProfessionLicence",
    "accidents.InsurancePolicy",
    "accounts.User",
    "accounts.Organisation",
    "accounts.Membership",
    "accounts.IdentityProof",
    "accounts.Establishment",
    "otp_totp.TOTPDevice",
]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = read_env(env.bool, "SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = read_env(env.int, "SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Anti-bot, passwords, password reset, language cookie (issue 17) ----------------------
# ALTCHA proof-of-work on the anonymous contractor renewal (core.proofofwork). The widget comes from
# the npm registry like Bootstrap: its CSP-friendly build (no inline styles, no blob: workers) and the
# PBKDF2 worker file, nothing else of the package.
STATICFILES_DIRS += [
    ("vendor/altcha", BASE_DIR / "node_modules" / "altcha" / "dist" / "external"),
    ("vendor/altcha-workers", BASE_DIR / "node_modules" / "altcha" / "dist" / "workers"),
]
# Signs the challenges; empty: a key derived from SECRET_KEY (core.proofofwork).
ALTCHA_HMAC_KEY = read_env(env.str, "ALTCHA_HMAC_KEY", default="", file_ok=True)
# The work asked: the answer is a counter drawn below this (PBKDF2, 1,000 iterations a try).
ALTCHA_MAX_NUMBER = read_env(env.int, "ALTCHA_MAX_NUMBER", default=5000)
ALTCHA_TTL_SECONDS = 600
# Django's validators, with the person's numbers and names among the attributes a password must not
# resemble, and the portal's own: no password made of the city's or the portal's words.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": (
                "national_id",
                "personal_number",
                "mobile",
                "full_name_ar",
                "full_name_en",
                "email",
                "username",
            )
        },
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PortalWordsValidator"},
]
# The e-mail reset answers the same whether or not an account uses the address (allauth); sign-up still
# says an e-mail is taken (allauth keeps uniqueness first when verification is optional).
ACCOUNT_PREVENT_ENUMERATION = True
# The language cookie: never read by the page's scripts, sent only over HTTPS in production.
# A person's choice of language is kept (a year), not forgotten when the browser closes.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG

# --- Operations (issue 19; README "Operating the portal") --------------------------------------------
# Logs: plain lines for `make run`; JSON lines (python-json-logger) in production (LOG_FORMAT=json). Both go
# through portal.logsafe (secrets redacted, control characters escaped) and carry the request id.
LOG_FORMAT = read_env(env.str, "LOG_FORMAT", default="plain", choices=("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    # portal.logsafe: secrets redacted, control characters from user input escaped (one record, one line).
    "formatters": {
        "plain": {
            "()": "portal.logsafe.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "portal.observability.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {
        "handlers": ["console"],
        "level": read_env(
            env.str, "LOG_LEVEL", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per request (portal.metrics); LOG_REQUESTS=false leaves them to the proxy's access log.
        "portal.request": {"level": "INFO" if read_env(env.bool, "LOG_REQUESTS", default=True) else "WARNING"},
        # WeasyPrint's progress ("Step 5 - Creating layout - Page 2"): eight lines a document, no news to anyone.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# /metrics (portal.metrics): Prometheus text format, for a bearer token or from the listed networks only;
# anyone else gets a 404. PROMETHEUS_MULTIPROC_DIR (read by prometheus-client itself) for several workers.
METRICS_TOKEN = read_env(env.str, "METRICS_TOKEN", default="", file_ok=True)
METRICS_ALLOWED_IPS = read_env(env.list, "METRICS_ALLOWED_IPS", default=[])
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network.strip(), strict=False)
    except ValueError:
        raise SystemExit(
            f"Configuration error: environment variable METRICS_ALLOWED_IPS: {_network!r} is not an IP address or"
            " network (CIDR)."
        ) from None
# The Celery worker's own metrics server (portal.celery): off unless a port is given.
METRICS_WORKER_PORT = read_env(env.int, "METRICS_WORKER_PORT", default=0)
METRICS_WORKER_ADDR = read_env(env.str, "METRICS_WORKER_ADDR", default="127.0.0.1")

# Error reports to Sentry when SENTRY_DSN is set, personal data scrubbed (portal.observability).
SENTRY_DSN = read_env(env.str, "SENTRY_DSN", default="", file_ok=True, schemes=("https", "http"))
SENTRY_ENVIRONMENT = read_env(env.str, "SENTRY_ENVIRONMENT", default="")
SENTRY_RELEASE = read_env(env.str, "SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = read_env(env.float, "SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from portal.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

try:
    check_dependent(SMS_BACKEND=SMS_BACKEND, SMS_HTTP_URL=SMS_HTTP_URL)
    check_sanad(
        SANAD_ISSUER_URL=SANAD_ISSUER_URL,
        SANAD_CLIENT_ID=SANAD_CLIENT_ID,
        SANAD_CLIENT_SECRET=SANAD_CLIENT_SECRET,
        DEBUG=DEBUG,
    )
    if not DEBUG:
        check_production(SECRET_KEY=SECRET_KEY, ALLOWED_HOSTS=ALLOWED_HOSTS)
except ConfigError as exc:  # pragma: no cover - exercised by subprocess tests (portal/tests/test_settings.py)
    raise SystemExit(str(exc)) from None
