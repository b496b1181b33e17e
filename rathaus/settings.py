"""Rathaus settings: every value comes from the environment, see the table in README.md."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rathaus.lib import data_dir
from rathaus.lib.env import Env, SettingError

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# Every process that loads these settings (manage.py and its commands, granian's workers
# through wsgi.py, the Huey consumers) creates files in the data dir: the SQLite database
# with its WAL and shared-memory files, the queue, the keys, media. A side effect here is
# the one place that runs before any of them; with the usual umask 022 they would be
# world-readable.
os.umask(0o077)


try:
    DEBUG = env.bool("RATHAUS_DEBUG", False)
    DATA_DIR = Path(env.str("RATHAUS_DATA_DIR", str(BASE_DIR / "var"))).resolve()
    data_dir.make_private(DATA_DIR)
    SECRET_KEY = data_dir.secret_key(env, DATA_DIR)
    ENCRYPTION_KEYS = data_dir.encryption_keys(env, DATA_DIR)
    ALLOWED_HOSTS = env.list("RATHAUS_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    CSRF_TRUSTED_ORIGINS = env.list("RATHAUS_CSRF_TRUSTED_ORIGINS", [])
    HTTPS = env.bool("RATHAUS_HTTPS", True)
    DATABASE_URL = env.str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'rathaus.sqlite3'}")
    REDIS_URL = env.str("REDIS_URL", "")
    PAGE_CACHE_SECONDS = env.int("RATHAUS_PAGE_CACHE_SECONDS", 60, maximum=86400)
    WORKERS = env.int("RATHAUS_WORKERS", 2, minimum=1, maximum=64)
    DEFAULT_FROM_EMAIL = env.str("RATHAUS_FROM_EMAIL", "rathaus@localhost")
    EMAIL_URL = env.str("RATHAUS_EMAIL_BACKEND", "console")
    TASKS_IMMEDIATE = env.bool("RATHAUS_TASKS_IMMEDIATE", False)
    # Public pages rendered ahead by the worker and answered before Django (rendering).
    RENDER_PAGES = env.bool("RATHAUS_RENDER_PAGES", True)
    LOG_LEVEL = env.choice("RATHAUS_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
    DELIVERY_MAX_ATTEMPTS = env.int("RATHAUS_DELIVERY_MAX_ATTEMPTS", 8, minimum=1, maximum=100)
    FEDERATION_DOMAIN = env.str("RATHAUS_FEDERATION_DOMAIN", "localhost")
    FEDERATION_ALLOW_HTTP = env.bool("RATHAUS_FEDERATION_ALLOW_HTTP", False)
    FEDERATION_PRIVATE_HOSTS = env.list("RATHAUS_FEDERATION_PRIVATE_HOSTS", [])
    CONTACT_PROOF_OF_WORK_BITS = env.int(
        "RATHAUS_CONTACT_PROOF_OF_WORK_BITS", 0, minimum=0, maximum=24
    )
    CONTACT_CLIENT_ADDRESS_HEADER = env.str("RATHAUS_CLIENT_ADDRESS_HEADER", "")
    # "platform=url" pairs: another API address for a platform (a test server, a proxy).
    CONNECTOR_API_BASES = dict(
        pair.split("=", 1) for pair in env.list("RATHAUS_CONNECTOR_API_BASES", []) if "=" in pair
    )
    # The office's apps registered with platforms that connect by OAuth: client id, secret.
    CONNECTOR_OAUTH_APPS = {
        platform: (
            env.str(f"RATHAUS_{name}_CLIENT_ID"),
            env.secret(f"RATHAUS_{name}_CLIENT_SECRET") or "",
        )
        for platform, name in (
            ("x", "X"),
            ("facebook", "FACEBOOK"),
            ("instagram", "FACEBOOK"),  # the same Meta app and login
            ("linkedin", "LINKEDIN"),
        )
    }
    NEWSLETTER_BATCH_SIZE = env.int("RATHAUS_NEWSLETTER_BATCH_SIZE", 200, minimum=1, maximum=10000)
    # A desk login ends after this many hours without a request, and after the second in
    # any case (offices.login_policy.SessionLimitsMiddleware).
    SESSION_IDLE_HOURS = env.int("RATHAUS_SESSION_IDLE_HOURS", 8, minimum=1, maximum=24 * 7)
    SESSION_MAX_HOURS = env.int("RATHAUS_SESSION_MAX_HOURS", 24, minimum=1, maximum=24 * 30)
    # A post image's limits at upload: bytes, and pixels (a small file can unpack huge).
    UPLOAD_MAX_MB = env.int("RATHAUS_UPLOAD_MAX_MB", 10, minimum=1, maximum=100)
    UPLOAD_MAX_MEGAPIXELS = env.int("RATHAUS_UPLOAD_MAX_MEGAPIXELS", 40, minimum=1, maximum=150)
except SettingError as error:
    raise ImproperlyConfigured(f"Rathaus configuration: {error}") from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    # The lowest app: background work of every other app runs on its engine.
    "rathaus.jobs",
    "rathaus.offices",
    "rathaus.notifications",
    "rathaus.audit",
    "rathaus.posts",
    "rathaus.delivery",
    "rathaus.newsroom",
    "rathaus.rendering",
    "rathaus.desk",
    "rathaus.federation",
    "rathaus.inbox",
    "rathaus.contact",
    "rathaus.mail",
    "rathaus.answers",
    "rathaus.response_times",
    "rathaus.connectors",
    "rathaus.newsletter",
    "rathaus.council",
    # The demo loader fills every app above, so it comes last.
    "rathaus.citizen_data",
    "rathaus.demo",
    "rathaus.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache, so that cache hits get the policy and the cache headers too.
    "csp.middleware.CSPMiddleware",
    "rathaus.lib.headers.NoStoreMiddleware",
    # /en/<office>/…: the reader's language in the address, no cookie (newsroom.language).
    "rathaus.newsroom.language.LanguageInAddressMiddleware",
    "rathaus.newsroom.caching.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rathaus.newsroom.language.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: idle and absolute session limits, then the two-factor duty.
    "rathaus.offices.login_policy.SessionLimitsMiddleware",
    "rathaus.offices.login_policy.TwoFactorDutyMiddleware",
]

ROOT_URLCONF = "rathaus.urls"
WSGI_APPLICATION = "rathaus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rathaus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the newsroom read while the worker writes; IMMEDIATE avoids lock upgrades
    # that would fail with "database is locked" under concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rathaus",
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rathaus-shared",
        },
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "rathaus",
        "url": REDIS_URL,
        "immediate": TASKS_IMMEDIATE,
        "utc": True,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # What every process must see alike (login throttles, used TOTP codes): granian
        # runs two workers. The table is made after every migrate (offices.login_policy).
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rathaus_shared_cache",
            # The default (300 entries, then a third culled) would let a flood of client
            # addresses push out the login throttle and the forms' rate-limit slots.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "rathaus",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TASKS_IMMEDIATE,
        "utc": True,
    }
# An idle worker polls the SQLite queue (Redis's blocks): every 0.2 s at most, not Huey's
# up to 10 s, which a publication's lists waited for.
HUEY["consumer"] = {"workers": WORKERS, "worker_type": "thread", "periodic": True, "max_delay": 0.2}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # German ones too, and common words dressed up with digits and symbols (Sommer2024!!).
    {"NAME": "rathaus.offices.passwords.CommonPatternValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "desk:home"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Staff accounts are created by office admins; nobody signs up on a public site.
ACCOUNT_ADAPTER = "rathaus.offices.accounts.NoSignupAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds sealed at rest like every other secret.
MFA_ADAPTER = "rathaus.offices.mfa.SealingMFAAdapter"
# A code typed as its 30 seconds run out, or shown by a phone whose clock is a little off,
# still counts (RFC 6238, 5.2: one step either side). A used code stays refused for the
# whole window, so tolerance adds no replay.
MFA_TOTP_TOLERANCE = 1
# Every login (desk and admin: the admin's own form redirects to allauth's) is throttled:
# 5 failed attempts per account in 15 minutes, then even the right password is refused
# until the window passes; the same for second-factor codes. Kept in the "shared" cache.
ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "20/m/ip,5/15m/key"}
if CONTACT_CLIENT_ADDRESS_HEADER:
    # The proxy's header, so one address's failures do not lock out everyone behind it.
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = (
        CONTACT_CLIENT_ADDRESS_HEADER.removeprefix("HTTP_").replace("_", "-").title()
    )

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "rathaus" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Collected static files and the rendered pages' mirror are public: nginx reads them as its
# own user, so in production they lie outside the data dir (which is 0700).
STATIC_ROOT = Path(env.str("RATHAUS_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
STATICFILES_DIRS = [BASE_DIR / "rathaus" / "static"]
# Uploads (post images, citizens' photos, logos) are private: no URL serves this directory.
# Views hand out each file after checking who asks (desk) or the post's state (newsroom).
# Not "media/", which older versions served and a proxy may still serve.
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/uploads-are-not-served/"
# Where `manage.py mirror_pages` writes the rendered public pages for nginx (rendering.mirror).
RENDERED_ROOT = Path(env.str("RATHAUS_RENDERED_ROOT", str(DATA_DIR / "rendered"))).resolve()
# How often each web process looks for newly rendered pages, and how many bytes of them it
# keeps in memory (rendering.front).
RENDERED_REFRESH_SECONDS = 0.5
# The office list and the sitemaps are rendered at most this often (rendering.refresh).
RENDERED_SITE_SECONDS = 10
RENDERED_MEMORY_BYTES = 64 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "rathaus.lib.public_files.PublicStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600
# Django chmods uploads to 0644 / 0755 whatever the umask says; citizens' photos are theirs.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}.get(EMAIL_URL)
if EMAIL_BACKEND is None:
    raise ImproperlyConfigured(
        f"Rathaus configuration: RATHAUS_EMAIL_BACKEND={EMAIL_URL!r} "
        "must be console, smtp or memory"
    )

# Security: strict by default; RATHAUS_HTTPS=false only for local demos and tests.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600  # not Django's 14 days
CSRF_COOKIE_HTTPONLY = True
# A refused form gets the error page of its part of the site, with what was typed (urls.py).
CSRF_FAILURE_VIEW = "rathaus.urls.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): no inline script or style anywhere, so an injected
# <script> or on…= attribute does not run even if escaping fails once. No nonces: newsroom
# pages are cached whole and would share one. The same policy for the demo (plain http).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser keeps these only if Secure, for path / and without Domain, so
    # neither a sibling subdomain nor plain http can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-rathaus_session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's decision

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # run_huey attaches its own handler; not propagating avoids every line twice.
    "loggers": {
        "huey": {"level": "INFO", "propagate": False},
        # httpx logs every URL at INFO, and the Telegram Bot API has the bot's token in it.
        "httpx": {"level": "WARNING"},
    },
}
