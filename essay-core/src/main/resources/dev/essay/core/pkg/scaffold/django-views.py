"""The views of @project@. /health answers 200 while the process can serve."""
import os

from django.http import JsonResponse

from @package@.middleware import VERSION

PROJECT = "@project@"


def index(request):
    return JsonResponse({"service": PROJECT, "version": VERSION, "slot": os.environ.get("ESSAY_SLOT", ""),
                         "stylesheet": "/static/@package@/site.css"})


def health(request):
    return JsonResponse({"status": "ok", "version": VERSION, "slot": os.environ.get("ESSAY_SLOT", "")})
