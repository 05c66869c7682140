from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random string of 50+ characters "
        "in production."
    )
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Shared by every gunicorn worker on this host; CACHE_URL=redis://... (Django's
# RedisCache, redis-py installed) shares it between hosts.
# The page cache holds a page per URL: room for many (Django's default is 300).
CACHES = {
    "default": env.cache(
        "CACHE_URL",
        default=f"filecache://{BASE_DIR / '.cache'}?max_entries=50000",
    )
}
# Django's file cache lists its directory on every write (issue 15): the same
# files, with the size checked once per 500 writes (scripts/cache_bench.py).
if CACHES["default"]["BACKEND"].endswith(".FileBasedCache"):
    CACHES["default"]["BACKEND"] = "bri_tracker.cache_backends.FileCache"
# PostgreSQL connections come from a pool per process (psycopg 3's, through
# Django): a request borrows one instead of connecting. Without the pool
# (DJANGO_DB_POOL=0, or another database), connections persist instead.
# While PostgreSQL is away (issue 15) a request waits at most DB_POOL_TIMEOUT
# for a pooled connection (DB_CONNECT_TIMEOUT for a new one), then gets the
# 503 page (bri_tracker/outage.py) instead of holding a thread.
# CONN_HEALTH_CHECKS makes Django create the pool with
# check=ConnectionPool.check_connection (Django 5.2 passes check= itself, so
# it cannot go in the pool options): a connection that a restart killed is
# dropped when borrowed, never handed to a request. The pool re-opens lost
# connections with a doubling back-off, given up after
# DB_POOL_RECONNECT_SECONDS; then it opens new ones as requests ask, so a
# short limit keeps attempts about a second apart and the site back within
# about a second of the database.
DB_POOL_TIMEOUT = env.float("DJANGO_DB_POOL_TIMEOUT", default=3.0)
DB_POOL_RECONNECT_SECONDS = env.float("DJANGO_DB_POOL_RECONNECT_TIMEOUT", default=2.0)
DB_CONNECT_TIMEOUT = env.int("DJANGO_DB_CONNECT_TIMEOUT", default=3)
for database in DATABASES.values():
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if database["ENGINE"].endswith("postgresql") and env.bool(
        "DJANGO_DB_POOL", default=True
    ):
        database["CONN_MAX_AGE"] = 0  # the pool keeps them
        database["CONN_HEALTH_CHECKS"] = True  # the pool's check, see above
        database["OPTIONS"]["pool"] = {
            "min_size": env.int("DJANGO_DB_POOL_MIN", default=2),
            "max_size": env.int("DJANGO_DB_POOL_MAX", default=8),
            "timeout": DB_POOL_TIMEOUT,
            "reconnect_timeout": DB_POOL_RECONNECT_SECONDS,
        }
    else:
        database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
        database["CONN_HEALTH_CHECKS"] = True
