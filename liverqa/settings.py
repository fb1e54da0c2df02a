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
"""

import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
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
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # ETag and Last-Modified answered with 304, for cached and freshly rendered pages alike.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions: an anonymous reader's cached page costs two cache reads and nothing else.
    "articles.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The clinical review cycle: a reviewed answer is due for review again this many months later.
LIVERQA_REVIEW_INTERVAL_MONTHS = int(os.environ.get("LIVERQA_REVIEW_INTERVAL_MONTHS", "12"))
# Upload limits, checked by the admin forms before anything is stored.
LIVERQA_PHOTO_MAX_BYTES = 5 * 1024 * 1024
LIVERQA_AUDIO_MAX_BYTES = 30 * 1024 * 1024
# Tags are typed comma-separated: "liver cancer" is one tag (taggit would split it on spaces).
TAGGIT_TAGS_FROM_STRING = "articles.tags.parse_tag_input"
TAGGIT_STRING_FROM_TAGS = "articles.tags.format_tag_input"

# Errors (a 500's traceback) and warnings go to standard error, where gunicorn and the service
# manager collect them; Django's default sends them nowhere when debug is off and ADMINS is empty.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIVERQA_LOG_LEVEL", "WARNING")},
}
