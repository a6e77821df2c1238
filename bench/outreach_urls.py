"""Bench-only URLs: the project's URLs plus the minimal baseline view (never in production)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *project_urlpatterns]
