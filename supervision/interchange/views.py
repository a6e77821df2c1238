"""Interchange pages: the download of a person's case package, and the import page (upload, the errors by
path or a preview, then confirm)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import scoping
from accounts.roles import Role, is_bureau_admin, organisation_ids
from coordination.models import Supervisee
from services.models import Organisation
from supervision import policies
from supervision.interchange import actions
from supervision.interchange.forms import ImportForm
from supervision.interchange.models import ImportedCase
from supervision.interchange.package import PackageRefused
from supervision.views import requires


def may_import(user) -> bool:
    return scoping.policy_for(ImportedCase).can(user, "import", None)


@require_GET
@requires(policies.is_case_staff)
def export(request: HttpRequest, uuid) -> HttpResponse:
    """The case package as a JSON download (the read is logged with the purpose "interchange")."""
    supervisee = scoping.scope(request.user, Supervisee).filter(uuid=uuid).first()
    if supervisee is None:
        raise Http404
    data = actions.export_case(supervisee=supervisee, actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="case-{supervisee.case_number}.json"'
    response["Cache-Control"] = "no-store"
    return response


def _offices(user):
    offices = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE)
    if is_bureau_admin(user):
        return offices
    return offices.filter(pk__in=organisation_ids(user, Role.OFFICE_OFFICER))


@never_cache  # the preview carries the package (a resident ID number in clear): never kept by a cache
@require_http_methods(["GET", "POST"])
@requires(may_import)
def import_package(request: HttpRequest) -> HttpResponse:
    """Upload a package: its errors by path, or a preview; confirming creates the case and opens it."""
    form = ImportForm(request.POST or None, request.FILES or None, offices=_offices(request.user))
    context: dict = {"form": form, "errors": [], "preview": None, "package_json": ""}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["data"]
        office = form.cleaned_data["judicial_office"]
        errors = actions.check_package(data)
        if errors:
            context["errors"] = errors
        elif form.cleaned_data["confirm"]:
            try:
                supervisee = actions.import_case(data=data, actor=request.user, judicial_office=office)
            except PackageRefused as refused:
                context["errors"] = refused.errors
            else:
                messages.success(request, _("The case is imported as %(number)s.") % {"number": supervisee.case_number})
                return redirect("supervision:lifecycle", uuid=supervisee.uuid)
        else:
            context["preview"] = data
            context["office"] = office
            context["package_json"] = json.dumps(data, ensure_ascii=False)
            context["counts"] = [(key, len(data[key])) for key in data if isinstance(data[key], list)]
    return render(request, "supervision/interchange/import.html", context)
