"""Settings for the PIM hub: one module, driven by environment variables.

Every project option lives under a ``PIM_`` prefix with its default here, so
deployment is configuration only (see the README's configuration table).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server, a worker and render subprocesses share one file: WAL,
    # a busy timeout and IMMEDIATE transactions avoid "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PIM_TEST_SQLITE_NAME") or None}


def _secret_key():
    """The secret key from the environment, or one generated once and kept
    beside the database so the server, worker and commands all share it."""
    key = os.environ.get("PIM_SECRET_KEY")
    if key:
        return key
    name = DATABASES["default"].get("NAME") or ""
    folder = Path(name).parent if DATABASES["default"]["ENGINE"].endswith("sqlite3") and name else BASE_DIR
    path = folder / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("PIM_DEBUG", False)
ALLOWED_HOSTS = env_list("PIM_ALLOWED_HOSTS", "127.0.0.1,localhost")
if os.environ.get("PYTEST_CURRENT_TEST") is not None or env_bool("PIM_TESTING"):
    ALLOWED_HOSTS += ["testserver"]

PIM_BASE_URL = os.environ.get("PIM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PIM_MEDIA_URL = os.environ.get("PIM_MEDIA_URL", PIM_BASE_URL + "/media/")
if not PIM_MEDIA_URL.endswith("/"):
    PIM_MEDIA_URL += "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "parler",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    *(["django_rq", "django_tasks_rq"] if os.environ.get("PIM_TASKS_BACKEND") == "rq" else []),
    "pim",
    "catalog",
    "publishing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after the security headers: no session or
    # locale work for a stylesheet.
    "pim.middleware.StaticFilesMiddleware",
    "pim.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pim.urls"
WSGI_APPLICATION = "pim.wsgi.application"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Languages: the one place to add a language. PARLER_LANGUAGES follows it.
LANGUAGES = [
    ("en", _("English")),
    ("fi", _("Finnish")),
    ("hu", _("Hungarian")),
    ("ru", _("Russian")),
    ("bg", _("Bulgarian")),
]
LANGUAGE_CODE = os.environ.get("PIM_DEFAULT_LANGUAGE", "en")
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
# The language editors write texts in first; translations of a changed source
# text are flagged outdated until a translator updates or confirms them.
PIM_SOURCE_LANGUAGE = os.environ.get("PIM_SOURCE_LANGUAGE", LANGUAGE_CODE)
PARLER_DEFAULT_LANGUAGE_CODE = LANGUAGE_CODE
PARLER_LANGUAGES = {
    None: tuple({"code": code} for code in LANGUAGE_CODES),
    "default": {"fallbacks": [LANGUAGE_CODE], "hide_untranslated": False},
}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("PIM_TIME_ZONE", "Europe/Helsinki")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("PIM_MEDIA_ROOT", BASE_DIR / "media"))

# Storage. Static files: WhiteNoise serves what collectstatic wrote, with
# content-hashed names (cached for a year) and gzip/brotli copies. Media:
# the local folder, or S3-compatible object storage (PIM_MEDIA_STORAGE=s3).
PIM_MEDIA_STORAGE = os.environ.get("PIM_MEDIA_STORAGE", "local").strip().lower()
_MEDIA_STORAGES = {
    "local": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("PIM_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("PIM_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PIM_S3_REGION") or None,
            "location": os.environ.get("PIM_S3_PREFIX", ""),
            # Credentials: PIM_S3_ACCESS_KEY_ID / PIM_S3_SECRET_ACCESS_KEY, or
            # boto3's own chain (AWS_* variables, instance role) when unset.
            "access_key": os.environ.get("PIM_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("PIM_S3_SECRET_ACCESS_KEY") or None,
            # Feeds and pages link media through PIM_MEDIA_URL (a CDN or the
            # public bucket), so stored files need no signed URLs...
            "querystring_auth": env_bool("PIM_S3_SIGNED_URLS", False),
            "custom_domain": os.environ.get("PIM_S3_CUSTOM_DOMAIN") or None,
            # ...and a name is never silently replaced: generated files carry
            # content hashes, uploads get a suffix.
            "file_overwrite": False,
            "default_acl": os.environ.get("PIM_S3_ACL") or None,
        },
    },
}
if PIM_MEDIA_STORAGE not in _MEDIA_STORAGES:
    raise ValueError(f"PIM_MEDIA_STORAGE must be one of {', '.join(_MEDIA_STORAGES)}, not {PIM_MEDIA_STORAGE!r}")
STORAGES = {
    "default": _MEDIA_STORAGES[PIM_MEDIA_STORAGE],
    "staticfiles": {"BACKEND": "pim.staticfiles.StaticFilesStorage"},
}
# Files with a content hash in their name are cached for good by WhiteNoise;
# this is for the few without (favicon, robots-like files).
WHITENOISE_MAX_AGE = int(os.environ.get("PIM_STATIC_MAX_AGE", 3600))
# Before collectstatic (development, tests, a quick trial of gunicorn) the
# files are served from the apps' static folders instead.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_ROOT.is_dir()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: images are validated with Pillow against these limits.
PIM_IMAGE_MAX_BYTES = int(os.environ.get("PIM_IMAGE_MAX_BYTES", 20 * 1024 * 1024))
PIM_IMAGE_MAX_PIXELS = int(os.environ.get("PIM_IMAGE_MAX_PIXELS", 40_000_000))
PIM_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF")
PIM_DOCUMENT_MAX_BYTES = int(os.environ.get("PIM_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024))
PIM_RENDITION_WIDTHS = (320, 640, 1280)
PIM_RENDITION_FORMATS = ("webp", "jpeg")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background jobs (django-tasks API). "db" runs the embedded worker,
# "immediate" runs jobs inline (unit tests), "rq" uses Redis workers.
PIM_TASKS_BACKEND = os.environ.get("PIM_TASKS_BACKEND", "db")
_TASK_BACKENDS = {
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "dummy": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
TASKS = {"default": _TASK_BACKENDS[PIM_TASKS_BACKEND]}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# django-rq's queues (the rq backend): workers run
# ``manage.py rqworker default --job-class django_tasks_rq.Job --with-scheduler``.
# A job can run for long (a 100k-product publish): no RQ timeout, the Job
# record's heartbeat finds dead workers instead.
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": -1}}
RQ_SHOW_ADMIN_LINK = False

# Feed and API.
PIM_FEED_RATE = os.environ.get("PIM_FEED_RATE", "600/min")
PIM_FEED_DEFAULT_LIMIT = 100
PIM_FEED_MAX_LIMIT = 1000
# The feed contract keeps tombstones at least 30 days: a shorter history
# would let a client that syncs monthly miss deletions without a 410.
PIM_TOMBSTONE_MIN_RETENTION_DAYS = 30
PIM_TOMBSTONE_RETENTION_DAYS = int(os.environ.get("PIM_TOMBSTONE_RETENTION_DAYS", PIM_TOMBSTONE_MIN_RETENTION_DAYS))
if PIM_TOMBSTONE_RETENTION_DAYS < PIM_TOMBSTONE_MIN_RETENTION_DAYS:
    raise ValueError(
        f"PIM_TOMBSTONE_RETENTION_DAYS must be at least {PIM_TOMBSTONE_MIN_RETENTION_DAYS} (the feed keeps "
        f"tombstones that long), not {PIM_TOMBSTONE_RETENTION_DAYS}"
    )
PIM_WEBHOOK_ALLOW_PRIVATE = env_bool("PIM_WEBHOOK_ALLOW_PRIVATE", False)
# Build the web pages' index when the WSGI application loads (pim/wsgi.py;
# with gunicorn --preload, once in the master for every worker).
PIM_WARM_WEB_INDEX = env_bool("PIM_WARM_WEB_INDEX", False)
PIM_WEBHOOK_TIMEOUT = float(os.environ.get("PIM_WEBHOOK_TIMEOUT", 10))
PIM_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("PIM_WEBHOOK_MAX_ATTEMPTS", 8))
PIM_WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("PIM_WEBHOOK_RETRY_BASE_SECONDS", 60))
PIM_WEBHOOK_RETRY_MAX_SECONDS = float(os.environ.get("PIM_WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600))
# A queued delivery the worker has not taken after this long is queued again.
PIM_WEBHOOK_QUEUE_SECONDS = float(os.environ.get("PIM_WEBHOOK_QUEUE_SECONDS", 600))
PIM_API_BULK_MAX_ITEMS = int(os.environ.get("PIM_API_BULK_MAX_ITEMS", 1000))
# Search engines read at most 50 000 URLs or 50 MB (uncompressed) per sitemap file.
PIM_SITEMAP_MAX_URLS = int(os.environ.get("PIM_SITEMAP_MAX_URLS", 50_000))
PIM_SITEMAP_MAX_BYTES = int(os.environ.get("PIM_SITEMAP_MAX_BYTES", 50 * 1024 * 1024))

# Product history the scheduler keeps (pruned daily): versions older than the
# days and beyond the newest count per product go; the newest version of a
# product always stays. 0 turns that limit off.
PIM_HISTORY_RETENTION_DAYS = int(os.environ.get("PIM_HISTORY_RETENTION_DAYS", 365)) or None
PIM_HISTORY_KEEP_VERSIONS = int(os.environ.get("PIM_HISTORY_KEEP_VERSIONS", 100)) or None

# Print: the CMYK profile brochures are separated for (the shop's own, e.g.
# FOGRA39, replaces Ghostscript's default from Debian's libgs-common), and how
# long catalogs are split into parts rendered side by side.
PIM_PRINT_ICC_PROFILE = os.environ.get("PIM_PRINT_ICC_PROFILE", "/usr/share/color/icc/ghostscript/default_cmyk.icc")
PIM_PDF_PART_PRODUCTS = int(os.environ.get("PIM_PDF_PART_PRODUCTS", 150))
PIM_PDF_WORKERS = int(os.environ.get("PIM_PDF_WORKERS", 0))  # 0: one per CPU core

# Job worker: heartbeat, when a silent job counts as dead, retries.
PIM_JOB_HEARTBEAT_SECONDS = float(os.environ.get("PIM_JOB_HEARTBEAT_SECONDS", 15))
PIM_JOB_STALE_SECONDS = float(os.environ.get("PIM_JOB_STALE_SECONDS", 120))
PIM_JOB_RETRY_DELAY_SECONDS = float(os.environ.get("PIM_JOB_RETRY_DELAY_SECONDS", 10))
PIM_JOB_MAX_ATTEMPTS = int(os.environ.get("PIM_JOB_MAX_ATTEMPTS", 3))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissions"],
    "EXCEPTION_HANDLER": "pim.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"feed": PIM_FEED_RATE},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PIM hub API",
    "DESCRIPTION": "Channel feeds (delta sync by cursor) and the product write API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: Swagger UI would fetch it from an outside server.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
}



def cache_from_url(url):
    """The default cache for PIM_CACHE_URL. ``locmem://`` (the default) is
    one process's memory; the feed's per-token rate limit and parler's
    translation cache are then per process, so with several web workers use
    a shared one: ``redis://host:6379/1`` (or ``rediss://``; Django's
    RedisCache, the pinned ``redis`` client), ``db://table`` (Django's
    DatabaseCache; create the table once with ``manage.py createcachetable``)
    or ``file:///path`` (one host only)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc}
    if parts.scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parts.scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parts.netloc or "pim_cache"}
    if parts.scheme == "file" and parts.path:
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": parts.path}
    raise ValueError(
        f"PIM_CACHE_URL must be locmem://, redis://host:port/db, rediss://…, db://table or file:///path, not {url!r}"
    )


PIM_CACHE_URL = os.environ.get("PIM_CACHE_URL", "locmem://")
CACHES = {"default": cache_from_url(PIM_CACHE_URL)}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "pim": {"handlers": ["console"], "level": os.environ.get("PIM_LOG_LEVEL", "INFO")},
    },
}

LOGIN_URL = "admin:login"

# --- Production: HTTPS and security headers ---------------------------------
# An https:// PIM_BASE_URL means the site is served over TLS: redirect plain
# HTTP, send HSTS, keep cookies off plain HTTP. Each can be set on its own
# (see docs/DEPLOYMENT.md); `manage.py check --deploy` passes with these on.
PIM_HTTPS = PIM_BASE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env_bool("PIM_SECURE_SSL_REDIRECT", PIM_HTTPS)
# Behind a TLS-terminating proxy or load balancer that sets X-Forwarded-Proto.
if env_bool("PIM_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("PIM_USE_X_FORWARDED_HOST", False)
SECURE_HSTS_SECONDS = int(os.environ.get("PIM_HSTS_SECONDS", 31_536_000 if PIM_HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PIM_HSTS_INCLUDE_SUBDOMAINS", PIM_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("PIM_HSTS_PRELOAD", PIM_HTTPS)
SESSION_COOKIE_SECURE = env_bool("PIM_SECURE_COOKIES", PIM_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("PIM_CSRF_TRUSTED_ORIGINS", PIM_BASE_URL if PIM_HTTPS else "")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Campaign links keep their origin for analytics; paths stay private.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of the public site (pim.middleware); the admin and
# the API docs keep Django's and Swagger UI's own needs. Media may come from
# another origin (a CDN or bucket): its origin is allowed for images.
PIM_CSP_REPORT_URI = os.environ.get("PIM_CSP_REPORT_URI", "")
