"""python -m @package@ COMMAND: Django's management commands for @project@ (manage.py), e.g. collectstatic."""
import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "@package@.settings")
execute_from_command_line(["python -m @package@"] + sys.argv[1:])
