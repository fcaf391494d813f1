"""Sunlight settings: everything is read from the environment (django-environ).

Development defaults are safe and need nothing set: the database and the broker are the embedded
servers that `make run` / `make test` start under var/ (see ops/services.py). `DJANGO_ENV=production`
turns on the production security settings and requires the secrets to be given.
"""

from pathlib import Path
from urllib.parse import quote, unquote

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# The embedded servers' addresses (ops/services.py starts them there).
EMBEDDED_PG_SOCKET_DIR = VAR_DIR / "pg"
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis" / "redis.sock"
EMBEDDED_DATABASE_URL = f"postgres://postgres@{quote(str(EMBEDDED_PG_SOCKET_DIR), safe='')}/sunlight"
EMBEDDED_REDIS_URL = f"unix://{EMBEDDED_REDIS_SOCKET}"

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    DEBUG = False
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="development-only-key-not-for-production-use-0123456789"
    )
    DEBUG = env.bool("DJANGO_DEBUG", default=False)
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_FAILURE_VIEW = "common.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.SunlightAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    # Sunlight, in layer order (DESIGN.md section 5)
    "common",
    "accounts",
    "audit",
    "rulebook",
    "credit",
    "procurement",
    "suppliers",
    "experts",
    "bidding",
    "contracts",
    "disclosure",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.ActiveMembershipMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "common.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.workspace",
            ],
        },
    },
]

# --- Database: PostgreSQL only (psycopg 3), persistent connections -------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=EMBEDDED_DATABASE_URL)}
# A unix-socket directory is given percent-encoded as the host (postgres://user@%2Fpath/db).
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME", default="test_sunlight")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache only ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default=EMBEDDED_REDIS_URL)


def _celery_broker(redis_url: str) -> str:
    # kombu names a Redis unix socket "redis+socket://"; redis-py and Django's cache say "unix://".
    return (
        "redis+socket://" + redis_url.removeprefix("unix://")
        if redis_url.startswith("unix://")
        else redis_url
    )


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # The tests point this at a database of its own (conftest.py), so they never flush a broker.
        "LOCATION": env.str("CACHE_REDIS_URL", default=REDIS_URL),
        "KEY_PREFIX": "sunlight",
        "TIMEOUT": 300,
    }
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_celery_broker(REDIS_URL))
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Every task's queue, by name prefix (one entry per app that has tasks).
CELERY_TASK_ROUTES = {
    "common.*": {"queue": "default"},
    "accounts.*": {"queue": "default"},
    "audit.*": {"queue": "default"},
    "credit.*": {"queue": "default"},
    "procurement.*": {"queue": "default"},
    "suppliers.*": {"queue": "default"},
    "bidding.*": {"queue": "default"},
    "experts.*": {"queue": "default"},
    "contracts.*": {"queue": "default"},
    "disclosure.*": {"queue": "default"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep the JSON log lines of LOGGING
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The beat schedule is code: review it like code (STYLE.md, Celery).
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "common.record_worker_heartbeat",
        "schedule": 30.0,
        "options": {"queue": "default", "expires": 25},
    },
    "audit-daily-checkpoint": {
        "task": "audit.record_checkpoint",
        "schedule": crontab(hour=0, minute=5),
        "options": {"queue": "default"},
    },
    # Bans end by themselves: the day after a ban's last day, shortly after midnight (and again
    # hourly, so a stopped beat or worker catches up; the task is idempotent).
    "credit-expire-blacklist-entries": {
        "task": "credit.expire_blacklist_entries",
        "schedule": crontab(minute=1),
        "options": {"queue": "default"},
    },
    # Decay moves every score a little each day: one set-based recomputation of all records.
    "credit-nightly-recompute": {
        "task": "credit.recompute_scores",
        "schedule": crontab(hour=0, minute=20),
        "options": {"queue": "default"},
    },
    # Bid deadlines: each has its job; this sweep catches a job that was lost (idempotent).
    "procurement-close-due-bidding": {
        "task": "procurement.close_due_bidding",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # Lots whose tender documents open them automatically: opened once closed (idempotent).
    "bidding-open-due-lots": {
        "task": "bidding.open_due_lots",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # Final quotations of negotiation and consultation: opened once past their deadline (idempotent).
    "bidding-negotiation-open-due-rounds": {
        "task": "bidding.negotiation.open_due_rounds",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # Qualifications: the 30-day expiry warning, then the lapse on the expiry date (both idempotent).
    "suppliers-warn-expiring-qualifications": {
        "task": "suppliers.warn_expiring_qualifications",
        "schedule": crontab(hour=0, minute=30),
        "options": {"queue": "default"},
    },
    "suppliers-lapse-expired-qualifications": {
        "task": "suppliers.lapse_expired_qualifications",
        "schedule": crontab(hour=0, minute=10),
        "options": {"queue": "default"},
    },
    # Bid bonds: refunds past their working-day limit are flagged to the regulator (idempotent),
    # early each morning and again at noon, so a stopped beat or worker catches up the same day.
    "bidding-flag-overdue-refunds": {
        "task": "bidding.flag_overdue_refunds",
        "schedule": crontab(hour="0,12", minute=40),
        "options": {"queue": "default"},
    },
    # Awards not confirmed by the purchaser within the rulebook's working days: escalated to the
    # regulator once (idempotent), early each morning and again at noon.
    "bidding-award-flag-overdue-awards": {
        "task": "bidding.award.flag_overdue_awards",
        "schedule": crontab(hour="0,12", minute=45),
        "options": {"queue": "default"},
    },
    # Explanations of abnormally low prices not given by their deadline put the bid out (idempotent).
    "bidding-evaluation-sweep-explanations": {
        "task": "bidding.evaluation.sweep_explanations",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # Panel invitations: each has its job at its deadline; this sweep catches a lost one
    # (a lapse calls the next reserve; idempotent).
    "experts-lapse-unanswered-invitations": {
        "task": "experts.lapse_unanswered_invitations",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # Challenges and complaints: answers and decisions past their working-day limits are flagged
    # to the regulator once (idempotent), early each morning and again at noon.
    "bidding-flag-overdue-challenge-answers": {
        "task": "bidding.flag_overdue_challenge_answers",
        "schedule": crontab(hour="0,12", minute=45),
        "options": {"queue": "default"},
    },
    "bidding-flag-overdue-complaint-decisions": {
        "task": "bidding.flag_overdue_complaint_decisions",
        "schedule": crontab(hour="0,12", minute=50),
        "options": {"queue": "default"},
    },
    # Awarded lots whose result can no longer be challenged and that nothing blocks move to
    # contracting (idempotent): hourly, so a day's window closing is seen within the hour.
    "bidding-start-contracting": {
        "task": "bidding.start_contracting",
        "schedule": crontab(minute=55),
        "options": {"queue": "default"},
    },
    # Contracts: the signing limit (warned before, escalated to the regulator after), the contract
    # notice limit, and payments to small and micro enterprises past the rulebook's days after
    # acceptance; each flagged once (idempotent), early each morning and again at noon.
    "contracts-sweep-signing-limits": {
        "task": "contracts.sweep_signing_limits",
        "schedule": crontab(hour="0,12", minute=20),
        "options": {"queue": "default"},
    },
    "contracts-flag-late-contract-notices": {
        "task": "contracts.flag_late_contract_notices",
        "schedule": crontab(hour="0,12", minute=25),
        "options": {"queue": "default"},
    },
    "contracts-flag-late-sme-payments": {
        "task": "contracts.performance.flag_late_sme_payments",
        "schedule": crontab(hour="0,12", minute=30),
        "options": {"queue": "default"},
    },
    # Lots moved to contracting get their contract draft, prefilled from the award (idempotent).
    "contracts-prepare-drafts": {
        "task": "contracts.prepare_drafts",
        "schedule": crontab(minute=58),
        "options": {"queue": "default"},
    },
    # Feeds of other credit platforms dropped into CREDIT_IMPORT_DIR (each file imported once).
    "credit-import-folder": {
        "task": "credit.import_feed_folder",
        "schedule": crontab(minute="*/15"),
        "options": {"queue": "default"},
    },
    # Search: each notice is indexed on commit; this sweep indexes any notice a lost job missed
    # (idempotent).
    "disclosure-search-index-pending": {
        "task": "disclosure.search.index_pending",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # OCDS: each notice is published as releases on commit; this sweep writes what a lost job or
    # a scheduled notice left (idempotent). Nightly, the daily bulk files of the days that changed.
    "disclosure-ocds-publish-pending": {
        "task": "disclosure.ocds.publish_pending",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    "disclosure-ocds-bulk-files": {
        "task": "disclosure.ocds.write_bulk_files",
        "schedule": crontab(hour=1, minute=10),
        "options": {"queue": "default"},
    },
    # Red flags: every indicator recomputed from the data in one transaction (idempotent), hourly
    # (a lot opened, a result published or a score submitted shows within the hour).
    "disclosure-redflags-compute-all": {
        "task": "disclosure.redflags.compute_all",
        "schedule": crontab(minute=35),
        "options": {"queue": "default", "expires": 3000},
    },
}
# Red flags (disclosure.redflags.indicators): per indicator code, parameters that override the
# registry's defaults, e.g. {"R024": {"threshold": "0.005"}, "R048": {"minimum_contracting_processes": 5}};
# a threshold of None means Tukey's fences over the data.
REDFLAG_PARAMETERS: dict = {}
# Seconds after which /healthz calls the worker heartbeat stale.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=120)

# --- Accounts, login, second factor --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.MembershipAwareModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Sunlight"

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

PASSWORD_RESET_TIMEOUT = 3600

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads (Django's storage API) ---------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# The largest file a user may upload (decision documents, appeal documents, credit feeds).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# A folder the credit.import_feed_folder job reads feeds of other credit platforms from
# (*.csv, *.json; each file imported once, by its SHA-256; files are never changed or moved).
CREDIT_IMPORT_DIR = env.path("CREDIT_IMPORT_DIR", default=str(VAR_DIR / "credit-feeds"))


# --- E-mail: console in development; EMAIL_URL (smtp://user:pass@host:587/?tls=True) for SMTP -----
def _mailer() -> dict:
    url = env.str("EMAIL_URL", default="")
    if not url:
        default = "smtp" if PRODUCTION else "console"  # production without EMAIL_URL: SMTP on localhost:25
        return {
            "BACKEND": env.str("EMAIL_BACKEND", default=f"django.core.mail.backends.{default}.EmailBackend")
        }
    parsed = env.email_url_config(url)
    return {
        "BACKEND": parsed["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": parsed.get("EMAIL_HOST"),
            "port": parsed.get("EMAIL_PORT"),
            "username": parsed.get("EMAIL_HOST_USER"),
            "password": parsed.get("EMAIL_HOST_PASSWORD"),
            "use_tls": parsed.get("EMAIL_USE_TLS", False),
            "use_ssl": parsed.get("EMAIL_USE_SSL", False),
            "timeout": 30,
        },
    }


MAILERS = {"default": _mailer()}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sunlight <noreply@sunlight.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers and container health checks speak plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Audit chain checkpoints: an Ed25519 key (PEM). Development keeps one under var/keys/. --------
AUDIT_SIGNING_KEY = env.str("AUDIT_SIGNING_KEY", default="", multiline=True)
AUDIT_SIGNING_KEY_FILE = env.path(
    "AUDIT_SIGNING_KEY_FILE", default=str(VAR_DIR / "keys" / "audit-ed25519.pem")
)
if PRODUCTION and not AUDIT_SIGNING_KEY:
    raise environ.ImproperlyConfigured("Set AUDIT_SIGNING_KEY (an Ed25519 private key in PEM) in production.")

# --- Sealed bids: the key-encryption key (32 random bytes, base64) that wraps every lot's private
# key; never in the database. Development keeps one under var/keys/ (created on first use).
SEALING_KEY = env.str("SEALING_KEY", default="")
SEALING_KEY_FILE = env.path("SEALING_KEY_FILE", default=str(VAR_DIR / "keys" / "sealing-kek"))
if PRODUCTION and not SEALING_KEY:
    raise environ.ImproperlyConfigured("Set SEALING_KEY (32 random bytes, base64) in production.")
# Bid files: the response documents' size limit and the segment (chunk) size of an upload.
BID_FILE_MAX_BYTES = env.int("BID_FILE_MAX_BYTES", default=200 * 1024 * 1024)
BID_UPLOAD_SEGMENT_BYTES = 1024 * 1024
# PDFs: reuse the bytes of an HTML document already rendered by this process (procurement.pdf);
# the test suite turns it on (tests/environment.py), where fixtures publish the same documents.
PDF_MEMO = env.bool("PDF_MEMO", default=False)
# Contract signatures (contracts.signing): the platform's own CA by default; a real CA's
# certificates with "contracts.signing.PKCS12Signer" and a folder of <uscc>.p12 files.
CONTRACT_SIGNER = env.str("CONTRACT_SIGNER", default="contracts.signing.PlatformSigner")
CONTRACT_SIGNER_PKCS12_DIR = env.str("CONTRACT_SIGNER_PKCS12_DIR", default="")
CONTRACT_SIGNER_PKCS12_PASSPHRASE = env.str("CONTRACT_SIGNER_PKCS12_PASSPHRASE", default="")

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    # The browsable API's inline styles break the strict CSP: JSON only, except while debugging.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
FORMAT_MODULE_PATH = ["config.formats"]
SPECTACULAR_SETTINGS = {
    # Several models have a "status" field with different choices: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "procurement.models.Project.Status",
        "ProcurementMethodEnum": "procurement.models.Method",
        "MethodAfterFailureEnum": "procurement.models.METHOD_AFTER_FAILURE_CHOICES",
        "LotStatusEnum": "procurement.models.Lot.Status",
        "TenderDocumentStatusEnum": "procurement.models.TenderDocument.Status",
        "RegulatorApprovalStatusEnum": "procurement.models.RegulatorApproval.Status",
        "CreditEventStatusEnum": "credit.models.CreditEvent.Status",
        "BlacklistEntryStatusEnum": "credit.models.BlacklistEntry.Status",
        "CreditAppealStatusEnum": "credit.models.CreditAppeal.Status",
        "BondStatusEnum": "bidding.models.Bond.Status",
        "BondFormEnum": "bidding.models.Bond.Form",
        "SupplierProfileStatusEnum": "suppliers.models.SupplierProfile.Status",
        "QualificationStatusEnum": "suppliers.models.Qualification.Status",
        "ExpertProfileStatusEnum": "experts.models.ExpertProfile.Status",
        "DeclarationKindEnum": "experts.models.Declaration.Kind",
        "ChallengeSubjectEnum": "bidding.challenges.models.Subject",
        "RegulatorApprovalSubjectEnum": "procurement.models.RegulatorApproval.Subject",
        "ChallengeStatusEnum": "bidding.challenges.models.Challenge.Status",
        "ComplaintStatusEnum": "bidding.challenges.models.Complaint.Status",
        "EvaluationStatusEnum": "bidding.evaluation.models.Evaluation.Status",
        "ScoreSheetStatusEnum": "bidding.evaluation.models.ScoreSheet.Status",
        "PanelStatusEnum": "experts.models.Panel.Status",
        "PanelSeatKindEnum": "experts.models.PanelSeat.Kind",
        "PanelSeatStatusEnum": "experts.models.PanelSeat.Status",
        "ContractStatusEnum": "contracts.models.Contract.Status",
        "SupplementaryAgreementStatusEnum": "contracts.models.SupplementaryAgreement.Status",
        "ContractPartyEnum": "contracts.models.Party",
        "MilestoneStatusEnum": "contracts.performance.models.Milestone.Status",
        "MilestoneKindEnum": "contracts.performance.models.Milestone.Kind",
        "PaymentApplicationStatusEnum": "contracts.performance.models.PaymentApplication.Status",
        "AcceptanceOutcomeEnum": "contracts.performance.models.Acceptance.Outcome",
        "BreachKindEnum": "contracts.performance.models.Breach.Kind",
        "FinancingApplicationStatusEnum": "contracts.financing.models.FinancingApplication.Status",
    },
    "TITLE": "Sunlight API",
    "DESCRIPTION": "Sunlight e-procurement platform: the REST API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Public portal (disclosure) ------------------------------------------------------------------
# Requests per client IP address on the public search, feeds, exports and OCDS API
# ("<number>/<second|minute|hour|day>", disclosure.ratelimit).
PUBLIC_RATE_LIMIT = env.str("PUBLIC_RATE_LIMIT", default="120/minute")
# Search: results per page (default and most), the count shown exactly up to this cap ("10,000+"
# above), the longest query read, and the rows of a CSV/Excel export.
SEARCH_PAGE_SIZE = 20
SEARCH_MAX_PAGE_SIZE = 100
SEARCH_COUNT_CAP = 10_000
# Relevance is ranked among the newest matches, at most this many (ts_rank reads each row it ranks).
SEARCH_RANK_CANDIDATES = 1_000
SEARCH_MAX_QUERY_LENGTH = 200
SEARCH_EXPORT_MAX_ROWS = env.int("SEARCH_EXPORT_MAX_ROWS", default=10_000)
# OCDS open data (disclosure.ocds): the registered ocid prefix ("ocds-" and six characters), the
# publisher and licence every package names, the public address releases link to (releases are
# written once, so their links must be the site's public address), the API's page sizes and the
# storage folder of the daily bulk files.
OCDS_PREFIX = env.str("OCDS_PREFIX", default="ocds-sunl1t")
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="阳光采购平台 Sunlight Procurement")
OCDS_LICENSE = env.str("OCDS_LICENSE", default="https://creativecommons.org/licenses/by/4.0/")
OCDS_BASE_URL = env.str("OCDS_BASE_URL", default="http://localhost:8000")
OCDS_PAGE_SIZE = 100
OCDS_MAX_PAGE_SIZE = 1000
OCDS_BULK_FOLDER = "ocds/bulk"

# --- Logs: one JSON object a line on stderr ------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "common.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "common.logging.StderrHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMINS = []
SITE_NAME = _("Sunlight Procurement")
