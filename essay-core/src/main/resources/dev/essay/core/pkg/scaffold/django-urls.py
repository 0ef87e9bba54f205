"""The URLs of @project@: the service, /health for essay, and the slot's static files."""
from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

from @package@ import views

urlpatterns = [
    path("health", views.health),
    path("", views.index),
    # nginx may serve these itself (alias to <slot>/static/); served here they always match the slot's release
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT}),
]
