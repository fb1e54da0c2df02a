"""liverqa settings: one file, driven by environment variables with safe defaults.

DJANGO_DEBUG        "1" turns on debug mode (never in production). Default off.
DJANGO_SECRET_KEY   required when debug is off.
DJANGO_ALLOWED_HOSTS comma-separated host names. Default: localhost names only.
DATABASE_URL        e.g. postgres://user@127.0.0.1:5432/liverqa. Default: SQLite file db.sqlite3.
REDIS_URL           e.g. redis://127.0.0.1:6379/0: pages and their versions shared by every
                    app server. Default: pages in each process, versions in the database.
LIVERQA_MEDIA_ACCEL_REDIRECT  e.g. /protected-media/: nginx's internal location for MEDIA_ROOT;
                    the media view decides access and nginx sends the bytes. Default: Django
                    streams them.
AWS_STORAGE_BUCKET_NAME  keeps uploads in this private S3-compatible bucket (django-storages),
                    with AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_S3_ADDRESSING_STYLE when
                    set; boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY itself.
                    Default: the media folder, MEDIA_ROOT.
LIVERQA_MEDIA_SIGNED_SECONDS  how long a signed bucket address lasts. Default 600.
DJANGO_HTTPS        "1" when readers reach the site over HTTPS (directly or through a TLS proxy):
                    http is redirected, HSTS is sent, cookies are Secure and __Host- prefixed.
                    Default off, so production mode also runs over plain http on 127.0.0.1.
DJANGO_HSTS_PRELOAD "1" adds preload to HSTS (a lasting promise for every subdomain). Default off.
DJANGO_SECURE_PROXY_SSL_HEADER  e.g. X-Forwarded-Proto: the header a TLS-terminating proxy sets
                    to "https" (and overwrites when a client sends it). Default: none trusted.
DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://liverqa.example.org, whose
                    form posts are accepted. Default none.
LIVERQA_MEDIA_ORIGIN  e.g. https://liverqa-media.s3.eu-west-1.amazonaws.com: where a bucket's
                    signed addresses point, allowed for images and audio by the CSP.
LIVERQA_ADMIN_URL   where the editors' admin lives, e.g. backstage/. Default admin/.
LIVERQA_REQUIRE_2FA "1": staff reach the admin only after a one-time code (enrolling a TOTP
                    app first if they have none). Default off.
LIVERQA_TRUSTED_PROXIES  how many reverse proxies, each appending to X-Forwarded-For, stand in
                    front of the app; the login lockout counts failures by the address the
                    outermost one saw. Default 0: the connection's own address.
LIVERQA_LOGIN_FAILURE_LIMIT  failed logins, per username and per address, before a lockout.
                    Default 5.
LIVERQA_LOGIN_COOLOFF_MINUTES  how long a lockout lasts. Default 15.
DJANGO_EMAIL_HOST   the SMTP server for the review workflow's e-mails, with DJANGO_EMAIL_PORT
                    (587), DJANGO_EMAIL_USE_TLS (on), DJANGO_EMAIL_HOST_USER,
                    DJANGO_EMAIL_HOST_PASSWORD and DJANGO_DEFAULT_FROM_EMAIL. Default: printed
                    to the console.
LIVERQA_SITE_URL    the site's address, for links in e-mails. Default http://localhost:8000.
"""

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, kept secret and the "
            "same across restarts, e.g.\n"
            "  export DJANGO_SECRET_KEY=\"$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')\"\n"
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
# Sessions, password resets and signed media addresses are only as strong as this key; the
# rule is Django's own (security.W009), refused at start rather than warned about.
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be at least 50 random characters (at least 5 different ones), "
        "and not a key made by startproject (django-insecure-...); generate one with:\n"
        "  python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "liverqa.apps.EditorialAdminConfig",  # django.contrib.admin with the editors' dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # relative times ("3 minutes ago") in the history
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "articles",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so cached hits, media files and static files carry them too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Validators (issue 11, items 6-7): pages go out gzipped, as Lighthouse expects. Before
    # ConditionalGetMiddleware, as Django's docs ask, so ETags are those of the plain page.
    "liverqa.compression.RenderedGZipMiddleware",
    # ETag and Last-Modified answered with 304, for cached and freshly rendered pages alike.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions: an anonymous reader's cached page costs two cache reads and nothing else.
    "articles.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose process_view is the first to read a form (see "Request and upload
    # limits" below).
    "articles.media.limits.RequestSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liverqa.urls"

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
                "liverqa.logins.two_factor_required",
            ],
        },
    },
]

WSGI_APPLICATION = "liverqa.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Opening a connection costs about 3 ms here, half an uncached page: keep them open,
        # checked before reuse.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait for a writer (WAL); a writer waits its turn instead of failing with
    # "database is locked" (IMMEDIATE takes the write lock when a transaction starts, so two
    # writers queue on the busy timeout rather than deadlock when one upgrades a read lock).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": os.environ.get("LIVERQA_SQLITE_TRANSACTION_MODE", "IMMEDIATE"),
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles any query it estimates as costly, and its estimate for a
    # correlated count is per row; the tag list's 60 ms query spent 190 ms being compiled.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {
        "default": {**_redis, "KEY_PREFIX": "liverqa"},
        "pages": {**_redis, "KEY_PREFIX": "liverqa-page"},
        "versions": {**_redis, "KEY_PREFIX": "liverqa-version", "TIMEOUT": None},
    }
else:
    # The page cache's versions then live in the database (articles/pageversions.py).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
# Whole pages for anonymous readers, kept until what they show changes, at most this long;
# 0 turns the page cache off.
LIVERQA_PAGE_CACHE_SECONDS = int(os.environ.get("LIVERQA_PAGE_CACHE_SECONDS", "600"))
# What a CDN or browser may keep: an editor's change reaches readers at most this late.
LIVERQA_CDN_SECONDS = int(os.environ.get("LIVERQA_CDN_SECONDS", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Logins: lockout, two-factor, session expiry, admin URL ---------------------------------
LIVERQA_ADMIN_URL = os.environ.get("LIVERQA_ADMIN_URL", "admin/")
if not re.fullmatch(r"([A-Za-z0-9._~-]+/)+", LIVERQA_ADMIN_URL):
    raise ImproperlyConfigured(
        f"LIVERQA_ADMIN_URL must be a path such as backstage/ (no leading slash, one trailing "
        f"slash), not {LIVERQA_ADMIN_URL!r}."
    )
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
# Staff sessions end 12 hours after their last change, and when the browser closes.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The lockout check runs first, so a locked-out attempt is refused before any password hashing.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are counted in the database, which every worker and app server shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LIVERQA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LIVERQA_LOGIN_COOLOFF_MINUTES", "15")))
# Either is enough: many passwords against one account, or many accounts from one address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not clear failures: axes would clear every failure from the address too, so
# anyone with one account could reset the count between guesses at another. They age out instead.
AXES_RESET_ON_SUCCESS = False
# Failures are logged (warnings, to standard error) with the username and address in clear:
# that is what an operator needs to see an attack. Passwords, codes and tokens are masked in the
# log and in the stored attempt: axes masks only a field named "password" by itself, and the
# two-step form's fields are prefixed by their step.
AXES_SENSITIVE_PARAMETERS = [
    "auth-password",
    "token-otp_token",
    "backup-otp_token",
    "csrfmiddlewaretoken",
]
AXES_CLIENT_IP_CALLABLE = "liverqa.logins.client_ip"
AXES_LOCKOUT_CALLABLE = "liverqa.logins.locked_out"
LIVERQA_TRUSTED_PROXIES = int(os.environ.get("LIVERQA_TRUSTED_PROXIES", "0"))
if LIVERQA_TRUSTED_PROXIES < 0:
    # -1 would count failures against an address the client wrote into X-Forwarded-For.
    raise ImproperlyConfigured("LIVERQA_TRUSTED_PROXIES must be 0 or a number of proxies.")
# The admin's login is the two-factor login (liverqa.admin), not a patched one.
TWO_FACTOR_PATCH_ADMIN = False
LIVERQA_REQUIRE_2FA = env_flag("LIVERQA_REQUIRE_2FA")
# ---------------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
LIVERQA_MEDIA_SIGNED_SECONDS = int(os.environ.get("LIVERQA_MEDIA_SIGNED_SECONDS", "600"))
# nginx's internal location for MEDIA_ROOT; empty: Django streams the files itself.
LIVERQA_MEDIA_ACCEL_REDIRECT = os.environ.get("LIVERQA_MEDIA_ACCEL_REDIRECT", "")
if LIVERQA_MEDIA_ACCEL_REDIRECT and not (
    LIVERQA_MEDIA_ACCEL_REDIRECT.startswith("/") and LIVERQA_MEDIA_ACCEL_REDIRECT.endswith("/")
):
    raise ImproperlyConfigured(
        "LIVERQA_MEDIA_ACCEL_REDIRECT must be a path such as /protected-media/."
    )
if LIVERQA_MEDIA_ACCEL_REDIRECT and os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    raise ImproperlyConfigured(
        "Set LIVERQA_MEDIA_ACCEL_REDIRECT (nginx sends the media folder) or "
        "AWS_STORAGE_BUCKET_NAME (the bucket does), not both."
    )


def media_storage(environ: Mapping[str, str]) -> dict:
    """The uploads' storage: the media folder, or a private S3-compatible bucket when
    AWS_STORAGE_BUCKET_NAME is set. Both give new uploads random names."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {"BACKEND": "articles.media.storage.MediaStorage"}
    optional = {
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL"),
        "region_name": environ.get("AWS_S3_REGION_NAME"),
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE"),
    }
    return {
        "BACKEND": "articles.media.s3.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            **{option: value for option, value in optional.items() if value},
            # Objects stay private: the media view redirects to signed, expiring addresses.
            "querystring_auth": True,
            "signature_version": "s3v4",  # botocore would sign with the retired version 2
            "default_acl": None,
            # Never replace a file: older versions in the history still point to it.
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# "Liver cancer" and "liver cancer" are one tag.
TAGGIT_CASE_INSENSITIVE = True

# --- HTTPS, cookies and security headers (README "Security headers") ---
_https = env_flag("DJANGO_HTTPS")
_proxy_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "")
if _proxy_header:
    if not re.fullmatch(r"[A-Za-z0-9-]+", _proxy_header):
        raise ImproperlyConfigured(
            f"DJANGO_SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, "
            f"not {_proxy_header!r}."
        )
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_header.upper().replace('-', '_')}", "https")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
SECURE_SSL_REDIRECT = _https
# Load balancers probe app servers directly, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for HSTS preload: a promise, hard to take back, that the domain and
    # every subdomain will serve HTTPS for good; the site's owner opts in with
    # DJANGO_HSTS_PRELOAD=1 rather than this code making it for them.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# __Host-: only ever set by this host over HTTPS, for the whole site; a subdomain cannot
# plant one. Browsers refuse such cookies over plain http, so only with DJANGO_HTTPS.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_NAME = "__Host-sessionid" if _https else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if _https else "csrftoken"
# No script reads the CSRF cookie: the forms and the live preview send the form's token.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Uploads kept in a bucket are fetched from its signed addresses, after the media view's redirect.
_media_origins = (
    [os.environ["LIVERQA_MEDIA_ORIGIN"]] if os.environ.get("LIVERQA_MEDIA_ORIGIN") else []
)
if _media_origins and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?", _media_origins[0]):
    raise ImproperlyConfigured(
        "LIVERQA_MEDIA_ORIGIN must be an origin such as https://bucket.s3.example.com "
        f"(scheme and host, no path), not {_media_origins[0]!r}."
    )
# No nonces (cached pages are shared between readers), so no inline script or style anywhere:
# the site's and the admin's scripts and styles are all static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *_media_origins],
        "media-src": [SELF, *_media_origins],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Nothing on the site uses these: no iframe, ad or script of another site may either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# The clinical review cycle: a reviewed answer is due for review again this many months later.
LIVERQA_REVIEW_INTERVAL_MONTHS = int(os.environ.get("LIVERQA_REVIEW_INTERVAL_MONTHS", "12"))

# -- Request and upload limits (articles/media/limits.py, articles/editorial/media.py) ----------
# A file stops being stored once it passes its field's limit, and the form says so; a request
# longer than its page takes is refused (413) before it is read: DATA_UPLOAD_MAX_MEMORY_SIZE,
# plus the file's limit for an editor's upload to the article or doctor form.
LIVERQA_PHOTO_MAX_BYTES = 5 * 1024 * 1024
LIVERQA_AUDIO_MAX_BYTES = 30 * 1024 * 1024
# The largest form without files (Django's default, set on purpose): an answer is far smaller.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "articles.media.limits.FileSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Tags are typed comma-separated: "liver cancer" is one tag (taggit would split it on spaces).
TAGGIT_TAGS_FROM_STRING = "articles.tags.parse_tag_input"
TAGGIT_STRING_FROM_TAGS = "articles.tags.format_tag_input"

# -- Article bodies: the live preview's rate (issue 10, Markdown) -----------------------------
# Previews one editor may ask for, as "count/period" (s, m, h or d), counted per editor in the
# default cache (per process without REDIS_URL, so each worker counts on its own). Past it the
# preview answers 429 and the editor's browser waits; saving is never limited.
LIVERQA_PREVIEW_RATE = os.environ.get("LIVERQA_PREVIEW_RATE", "60/m")
if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", LIVERQA_PREVIEW_RATE):
    raise ImproperlyConfigured(
        f"LIVERQA_PREVIEW_RATE must read like 60/m or 5/10s, not {LIVERQA_PREVIEW_RATE!r}."
    )

# -- "Was this answer helpful?" (issue 11; articles/feedback/) -------------------------------
# Feedback one address may send, as "count/period" (s, m, h or d): on one answer, and on all of
# them. Counted in the default cache under a hash of the address (per process without
# REDIS_URL), never stored; past either, the form answers 429.
LIVERQA_FEEDBACK_ARTICLE_RATE = os.environ.get("LIVERQA_FEEDBACK_ARTICLE_RATE", "5/h")
LIVERQA_FEEDBACK_RATE = os.environ.get("LIVERQA_FEEDBACK_RATE", "20/h")
for _name, _rate in (
    ("LIVERQA_FEEDBACK_ARTICLE_RATE", LIVERQA_FEEDBACK_ARTICLE_RATE),
    ("LIVERQA_FEEDBACK_RATE", LIVERQA_FEEDBACK_RATE),
):
    if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", _rate):
        raise ImproperlyConfigured(f"{_name} must read like 5/h or 20/30m, not {_rate!r}.")

# --- E-mail: the review workflow's notifications -------------------------------------------
# SMTP when DJANGO_EMAIL_HOST is set; otherwise each message is printed to the console.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10  # a slow server delays one notification, never the editor's next page
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "liverqa@localhost")
# Where the links in those e-mails point.
LIVERQA_SITE_URL = os.environ.get("LIVERQA_SITE_URL", "http://localhost:8000")

# Errors (a 500's traceback) and warnings go to standard error, where gunicorn and the service
# manager collect them; Django's default sends them nowhere when debug is off and ADMINS is empty.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIVERQA_LOG_LEVEL", "WARNING")},
}
