from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development-only key; prod.py refuses to start without a real one.
SECRET_KEY = SECRET_KEY or "django-insecure-dev-only-not-for-production"
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]
