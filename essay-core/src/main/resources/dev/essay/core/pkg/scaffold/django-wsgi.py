"""The WSGI application of @project@, which gunicorn serves (conf/supervisord.conf)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "@package@.settings")
application = get_wsgi_application()
