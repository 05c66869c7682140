"""Settings shared by every environment; values come from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sources",
    "countries",
    "projects",
    "corrections",
    "explorer",
    "opendata",
    "api",
    "dashboard",
    "bri_tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that answers: /api/ and /data/ are open to every origin
    # for reading (issue 16).
    "corsheaders.middleware.CorsMiddleware",
    # Headers for every response, static files included (issue 15).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "bri_tracker.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL in the address is a 400 before any lookup (issue 15).
    "bri_tracker.request_limits.RejectNulMiddleware",
    # Before everything that reads the session: a cached page skips it all.
    "bri_tracker.page_cache.PageCacheMiddleware",
    # Inside the page cache: a cached page is stored with its policy.
    "csp.middleware.CSPMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Pages that need the database get a 503 while it is away (issue 15).
    "bri_tracker.outage.OutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which would answer an oversized form with a 400.
    "bri_tracker.request_limits.RequestTooBigMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "bri_tracker.db_routing.ReadReplicaMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bri_tracker.urls"
WSGI_APPLICATION = "bri_tracker.wsgi.application"

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
                "explorer.context_processors.data_counts",
            ],
        },
    },
]

# Select elements built in Python, the same markup as Django's templates
# (bri_tracker/form_renderer.py): the list pages' filter forms render 2-4x faster.
FORM_RENDERER = "bri_tracker.form_renderer.FastSelectRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL's JIT compiles any query its planner guesses to be costly: on
# the 100k-project data set it spent 60-110 ms compiling counts that then ran
# in 20-50 ms (issue 16). A web page's queries are short; turned off per
# connection.
POSTGRES_OPTIONS = "-c jit=off"
# Read replicas (PostgreSQL streaming replicas of the primary): anonymous
# readers' queries go to them, editors' and all writes to the primary
# (bri_tracker/db_routing.py).
for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), 1):
    DATABASES[f"replica_{number}"] = {
        **env.db_url_config(url),
        "TEST": {"MIRROR": "default"},
    }
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("OPTIONS", {})["options"] = POSTGRES_OPTIONS
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["bri_tracker.db_routing.ReplicaRouter"]

# Pages, the dashboard and site counts are cached under one data generation
# that every committed edit renews (bri_tracker/data_generation.py); the
# cache must be shared by all processes that serve the site (see prod.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Whole public pages for anonymous visitors (bri_tracker/page_cache.py),
# dropped on every change to the data; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 * 60)
# After an edit, while one request renders a page anew, others get its
# previous body (one edit old, marked X-Page-Cache: stale); False: they wait.
PAGE_CACHE_SERVE_STALE = env.bool("PAGE_CACHE_SERVE_STALE", default=True)
# The API counts every request against its rate limit, so it is never
# answered from the page cache.
PAGE_CACHE_SKIP = ["/admin/", "/static/", "/healthz", "/api/"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The site is in English only and ships no translations: without the
# translation machinery every {% url %} and template lookup skips a
# thread-local language lookup (issue 16: 20-40% of a cold country page).
# Formats still follow LANGUAGE_CODE.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "bri_tracker.staticfinders.PlotlyFinder",
]
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "admin:login"
# Where a login goes when its `next` is missing or unsafe (another site).
LOGIN_REDIRECT_URL = "admin:index"

# Login throttling and staff sessions (issue 15). Only editors have
# sessions: readers' pages never start one.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "bri_tracker.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "bri_tracker.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Failures and lockouts are logged (axes.handlers.database, WARNING) with the
# address; the username is masked, as it may be a mistyped password.
AXES_SENSITIVE_PARAMETERS = ["username"]
# No start-up banner on every manage.py command; log lines name the
# username and address only.
AXES_VERBOSE = False
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp, on every response; issue 15). No
# inline script or style anywhere: Plotly's own style rules are static
# stylesheets (bri_tracker/plotly_css.py), so style-src needs no
# 'unsafe-inline'. Plotly's one remaining inline style is an empty style
# attribute (setAttribute("style", "") on colour-bar rectangles): allowed by
# the hash of the empty string alone, which nothing else can match.
# Images: data: for the favicon and Plotly's PNG download (an SVG drawn
# through a blob: URL). The /embed/ pages lift frame-ancestors
# (dashboard.views.chart_embed), as they lift X-Frame-Options.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_HASHES, EMPTY_STYLE_HASH],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# No page of the site uses these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Pages, data and static files are for this site's pages (and the /embed/
# pages shown in other sites' frames, which load them from this origin).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

# The open data API (api/, issue 16): read-only, anonymous, JSON; rate-limited
# per client address (bri_tracker.client_address), 429 with Retry-After.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Anonymous reading only: no session is read, no CSRF is involved.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientAddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": API_RATE_LIMIT},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BRI Tracker open data API",
    "DESCRIPTION": (
        "Belt and Road Initiative projects, partners, agreements, sources and "
        "the figures published about them, each with the sentence that states "
        "it. Read-only and anonymous; only published figures appear.\n\n"
        "- **Filters** are those of the site's lists: a list page's query "
        "works here too.\n"
        "- **Pages** follow a cursor: read `next` until it is null "
        "(`limit` up to 500).\n"
        "- **Rate limit** per client address; past it, 429 with "
        "`Retry-After` (seconds).\n"
        "- **Staying in sync**: `/api/changes/?since=` lists what changed "
        "since a moment or a data release.\n"
        "- **Everything at once**: the bulk downloads and citable releases "
        "at `/data/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by the app itself: no CDN (drf-spectacular-sidecar).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every partial date's precision is one vocabulary.
    "ENUM_NAME_OVERRIDES": {"DatePrecisionEnum": "sources.dates.DatePrecision"},
    # The 400, 404 and 429 answers every operation can give (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.error_responses",
    ],
    "LICENSE": {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
}
# Cross-origin reading of the API and the data downloads (django-cors-headers).
CORS_URLS_REGEX = r"^/(api|data)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["Retry-After", "Link"]

# Versioned open-data releases (opendata, ``manage.py publish_release``), and
# the site's address, for the permalinks written into them (issue 16).
DATA_RELEASES_ROOT = Path(
    env("DATA_RELEASES_ROOT", default=str(BASE_DIR / "data-releases"))
)
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"one_line_warning": {"()": "bri_tracker.log_filters.OneLineWarning"}},
    # A request with a bad Host header is refused as expected: one line.
    "loggers": {"django.security.DisallowedHost": {"filters": ["one_line_warning"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
