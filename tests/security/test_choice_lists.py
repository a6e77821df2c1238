"""Issue 11, finding 13 and its class: no form, choice list or error enumerates people beyond the caller's
scope.

Walks every DRF serializer and every Django form defined in the project's apps. A related field whose
queryset holds personal data (a model in ``settings.PERSONAL_DATA_MODELS``) must not be declared with a
ready queryset on the class (only ``none()``/None, filled per request from a scope), and a serializer
built for a signed-in user without any role must offer no such row.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.test import RequestFactory
from rest_framework import serializers

from coordination.models import Supervisee
from tests import factories
from tests.coordination.factories import make_supervisee

PROJECT_APPS = ["accounts", "services", "coordination", "matching", "volunteers", "cms", "operations", "config"]
MODULES = ["api", "forms", "views", "serializers", "admin"]


def _personal_models() -> set[type]:
    return {apps.get_model(label) for label in settings.PERSONAL_DATA_MODELS}


def _classes(base: type) -> list[type]:
    found: dict[str, type] = {}
    for app in PROJECT_APPS:
        for name in MODULES:
            try:
                module = importlib.import_module(f"{app}.{name}")
            except ModuleNotFoundError:
                continue
            for _n, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, base) and obj.__module__.split(".")[0] in PROJECT_APPS:
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
                for _m, inner in inspect.getmembers(obj, inspect.isclass):  # nested Input/Output serializers
                    if issubclass(inner, base) and inner.__module__.split(".")[0] in PROJECT_APPS:
                        found[f"{inner.__module__}.{inner.__qualname__}"] = inner
    return list(found.values())


def _related_querysets(fields) -> dict[str, object]:
    out = {}
    for name, field in fields.items():
        child = getattr(field, "child_relation", None)  # many=True
        target = child if child is not None else field
        if getattr(target, "read_only", False):
            continue
        queryset = getattr(target, "queryset", None)
        if queryset is not None:
            out[name] = queryset
    return out


def test_the_walk_finds_the_serializers_and_forms():
    serializer_names = {c.__name__ for c in _classes(serializers.BaseSerializer)}
    form_names = {c.__name__ for c in _classes(forms.BaseForm)}
    assert {"TeamMemberSerializer", "ConsentSerializer"} <= serializer_names
    assert {"TeamMemberForm", "SuperviseeForm"} <= form_names


@pytest.mark.django_db
def test_no_serializer_offers_personal_rows_beyond_the_callers_scope():
    personal = _personal_models()
    city = factories.make_city()
    make_supervisee(office=city.office)  # so that an unscoped queryset would hold rows
    assert Supervisee.objects.exists()
    nobody = factories.UserFactory(username="norole")
    request = RequestFactory().post("/")
    request.user = nobody
    leaks = {}
    for cls in _classes(serializers.BaseSerializer):
        if cls.__name__.startswith(("Base", "Abstract")) or getattr(cls, "many", False):
            continue
        try:
            instance = cls(context={"request": request})
            fields = instance.fields
        except (TypeError, AssertionError, AttributeError, KeyError):
            continue  # needs constructor arguments: its declared fields are still checked below
        for name, queryset in _related_querysets(fields).items():
            if queryset.model in personal and queryset.exists():
                leaks[f"{cls.__module__}.{cls.__qualname__}.{name}"] = queryset.model._meta.label
    assert not leaks, f"choice lists of personal data beyond the caller's scope: {leaks}"


def test_no_form_or_serializer_declares_an_unscoped_personal_queryset():
    personal = _personal_models()
    declared = {}
    for cls in _classes(forms.BaseForm):
        for name, queryset in _related_querysets(cls.base_fields).items():
            if queryset.model in personal and not queryset.query.is_empty():
                declared[f"{cls.__module__}.{cls.__qualname__}.{name}"] = queryset.model._meta.label
    for cls in _classes(serializers.Serializer):
        for name, field in getattr(cls, "_declared_fields", {}).items():
            queryset = getattr(getattr(field, "child_relation", field), "queryset", None)
            if queryset is not None and queryset.model in personal and not queryset.query.is_empty():
                declared[f"{cls.__module__}.{cls.__qualname__}.{name}"] = queryset.model._meta.label
    assert not declared, f"set these querysets per request from a scope (accounts.scoping): {declared}"


@pytest.mark.django_db
def test_the_browsable_api_is_off_in_production(client, settings):
    from rest_framework.settings import api_settings

    assert not settings.DEBUG
    names = [r.__name__ for r in api_settings.DEFAULT_RENDERER_CLASSES]
    assert names == ["JSONRenderer"]
    user = factories.UserFactory(username="reader")
    client.force_login(user)
    response = client.get("/api/v1/team-members/", HTTP_ACCEPT="text/html")
    assert "<form" not in response.content.decode()
