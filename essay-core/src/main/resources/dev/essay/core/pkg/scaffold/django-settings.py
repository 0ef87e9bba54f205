"""Django settings of @project@, per profile.

essay starts every process with ESSAY_PROFILE (essay.yaml: profile, or deploy --profile), ESSAY_SLOT and
ESSAY_VERSION set (conf/supervisord.conf): the profile picks the settings below. Secrets come from the
environment, never from this file: essay.yaml's ``secrets:`` (or the supervisord template) passes them.
"""
import os
import secrets
import sys

PROFILE = os.environ.get("ESSAY_PROFILE", "dev")
DEBUG = PROFILE == "dev"

# Set DJANGO_SECRET_KEY (one value for every process and host) before you add sessions, auth or signed data:
# without it each process makes up its own key, which is safe but not shared.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)

# nginx forwards the requests; EDIT: list your domain names to have Django check the Host header itself.
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "*").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "@package@",
]

MIDDLEWARE = [
    "@package@.middleware.EssayHeaders",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "@package@.urls"
WSGI_APPLICATION = "@package@.wsgi.application"
DATABASES = {}
USE_TZ = True

# Static files are collected into the slot's own directory (the virtualenv: sys.prefix) by the pre_deploy hook
# of essay.yaml, so each slot serves the files of its own release.
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or os.path.join(sys.prefix, "static")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "DEBUG" if DEBUG else "INFO"},
}
