from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django forces DEBUG off; plain storage keeps {% static %} working
# without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
API_RATE_LIMIT = "100000/minute"  # tests/test_api_http.py lowers it
