"""Pages of the case archive: the list (officers: their offices; the bureau: all), an archive's printable
table of contents per volume (and its PDF), the disposal of a due volume (bureau, after a confirmation), and
the bureau's yearly retention report (page and XLSX)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from accounts import scoping, spreadsheet
from archive import actions, pdf, selectors
from archive.forms import DisposeForm
from archive.models import ArchiveVolume, CaseArchive, VolumeKind
from archive.policies import may_use_archive
from config.api_fields import query_int
from config.errors import form_errors
from services.models import Organisation

PAGE_SIZE = 50
STATES = [
    ("kept", gettext_lazy("Kept")),
    ("due", gettext_lazy("Retention ended")),
    ("disposed", gettext_lazy("Disposed of")),
]
SORTS = [
    ("closed", gettext_lazy("Closed, newest first")),
    ("-closed", gettext_lazy("Closed, oldest first")),
    ("name", gettext_lazy("Name")),
    ("due", gettext_lazy("Retention ends")),
]
# Where each volume is kept (Implementation Measures Art. 18).
CUSTODIANS = {
    VolumeKind.EXECUTION: gettext_lazy("kept by the county community-corrections agency"),
    VolumeKind.WORK: gettext_lazy("kept by the judicial office"),
}


def _staff(request: HttpRequest) -> None:
    if not may_use_archive(request.user):
        raise PermissionDenied


def _filters(request: HttpRequest) -> dict:
    # A bad number is ignored (never a database error); an unknown state or sort is the default.
    return {
        "q": request.GET.get("q", "")[:50],
        "office": query_int(request.GET.get("office", "")) or 0,
        "year": query_int(request.GET.get("year", ""), low=1, high=9999) or 0,
        "state": request.GET.get("state", "") if request.GET.get("state", "") in selectors.STATES else "",
        "sort": request.GET.get("sort", "") if request.GET.get("sort", "") in selectors.SORTS else "",
    }


@require_GET
@login_required
def archive_list(request: HttpRequest) -> HttpResponse:
    """The closed archives the user sees: search, filter, sort, page."""
    _staff(request)
    filters = _filters(request)
    rows = selectors.listing(
        request.user,
        q=filters["q"],
        office_id=filters["office"] or None,
        state=filters["state"],
        year=filters["year"] or None,
        sort=filters["sort"] or "closed",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    offices = Organisation.objects.filter(pk__in=scoping.scope(request.user, CaseArchive).values("office_id"))
    query = "&".join(f"{key}={value}" for key, value in filters.items() if value)
    return render(
        request,
        "archive/list.html",
        {
            "page": page,
            "filters": filters,
            "states": STATES,
            "sorts": SORTS,
            "offices": offices.order_by("name"),
            "query": query,
            "filtered": any(filters[key] for key in ("q", "office", "year", "state")),
            "today": timezone.localdate(),
            "may_report": scoping.policy_for(CaseArchive).can(request.user, "report"),
        },
    )


def _archive(request: HttpRequest, uuid: Any) -> CaseArchive:
    _staff(request)
    archive = selectors.archives_for(request.user).filter(uuid=uuid).first()
    if archive is None:
        raise Http404
    return archive


def _volumes(request: HttpRequest, archive: CaseArchive, forms: dict | None = None) -> list[dict]:
    toc = selectors.contents(request.user, archive)
    policy = scoping.policy_for(ArchiveVolume)
    today = timezone.localdate()
    return [
        {
            "volume": volume,
            "custodian": CUSTODIANS[volume.kind],
            "entries": toc[volume.kind],
            "due": volume.disposed_at is None and volume.due_on <= today,
            "can_dispose": policy.can(request.user, "dispose", volume),
            "form": (forms or {}).get(volume.kind) or DisposeForm(prefix=volume.kind),
        }
        for volume in archive.volumes.all()
    ]


def _detail_page(request: HttpRequest, archive: CaseArchive, forms: dict | None = None, status: int = 200):
    return render(
        request,
        "archive/detail.html",
        {"archive": archive, "volumes": _volumes(request, archive, forms)},
        status=status,
    )


@require_GET
@login_required
def archive_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    """An archive: who, office, how and when it closed, and each volume's table of contents (printable)."""
    return _detail_page(request, _archive(request, uuid))


@require_GET
@login_required
def archive_pdf(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The tables of contents as a printable PDF (A4)."""
    archive = _archive(request, uuid)
    content = pdf.contents(archive, _volumes(request, archive))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="archive-{archive.case_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _disposed(request: HttpRequest, volume: ArchiveVolume, form: DisposeForm) -> bool:
    """Dispose of the volume from a bound form; False with the form's errors (the action's refusals included)."""
    if not form.is_valid():
        return False
    try:
        actions.dispose(volume=volume, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        form_errors(form, exc)
        return False
    messages.success(request, _("The volume is disposed of. The disposal record stays in the archive."))
    return True


@require_POST
@login_required
def dispose(request: HttpRequest, uuid: Any, kind: str) -> HttpResponse:
    """Dispose of a volume whose retention ended (a bureau administrator, with a reason, after confirming)."""
    archive = _archive(request, uuid)
    volume = next((v for v in archive.volumes.all() if v.kind == kind), None)
    if volume is None:
        raise Http404
    if not scoping.policy_for(ArchiveVolume).can(request.user, "dispose"):
        raise PermissionDenied
    form = DisposeForm(request.POST, prefix=kind)
    if _disposed(request, volume, form):
        return redirect("archive:detail", uuid=archive.uuid)
    archive = _archive(request, uuid)
    return _detail_page(request, archive, {kind: form}, status=400)


@login_required
def dispose_sealed(request: HttpRequest, uuid: Any, kind: str) -> HttpResponse:
    """Dispose of a due volume of a sealed record (a bureau administrator, from the retention report): the
    record stays unreadable, so the page shows only its case number, volume and retention date."""
    volume = selectors.sealed_volume(request.user, uuid=uuid, kind=kind)
    if volume is None:
        raise Http404
    form = DisposeForm(request.POST or None, prefix=kind)
    status = 200
    if request.method == "POST":
        if _disposed(request, volume, form):
            return redirect(reverse("archive:retention") + f"?year={volume.due_on.year}")
        status = 400
    return render(
        request,
        "archive/dispose_sealed.html",
        {"volume": volume, "form": form, "due": volume.due_on <= timezone.localdate()},
        status=status,
    )


def _report_year(request: HttpRequest) -> int:
    return query_int(request.GET.get("year", ""), low=1, high=9999) or timezone.localdate().year


def _may_report(request: HttpRequest) -> None:
    if not scoping.policy_for(CaseArchive).can(request.user, "report"):
        raise PermissionDenied


def _report_rows(request: HttpRequest, year: int) -> list[ArchiveVolume]:
    return list(selectors.retention(request.user, year=year))


@require_GET
@login_required
def retention(request: HttpRequest) -> HttpResponse:
    """The bureau's yearly retention report: the volumes whose retention ends in the year, per office, to be
    transferred or disposed of."""
    _may_report(request)
    year = _report_year(request)
    rows = _report_rows(request, year)
    offices: dict[Any, dict[str, Any]] = defaultdict(lambda: {"rows": [], "execution": 0, "work": 0, "disposed": 0})
    for row in rows:
        office = offices[row.archive.office]
        office["rows"].append(row)
        office[row.kind] += 1
        office["disposed"] += 1 if row.disposed_at else 0
    return render(
        request,
        "archive/retention.html",
        {"year": year, "offices": dict(offices), "count": len(rows), "today": timezone.localdate()},
    )


@require_GET
@login_required
def retention_xlsx(request: HttpRequest) -> HttpResponse:
    """The retention report as an XLSX workbook (text stays text)."""
    _may_report(request)
    year = _report_year(request)
    header = [
        pgettext("judicial office", "Office"),
        _("Case number"),
        _("Person under correction"),
        _("Volume"),
        _("Retention ends"),
        _("State"),
    ]
    rows = [
        [
            row.archive.office.name,
            row.archive.case_number,
            _("sealed record") if row.archive.supervisee.sealed_at else row.archive.supervisee.name,
            row.get_kind_display(),
            row.due_on.isoformat(),
            _("Disposed of") if row.disposed_at else _("Kept"),
        ]
        for row in _report_rows(request, year)
    ]
    content = spreadsheet.xlsx(title=_("Retention report"), header=header, rows=rows)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="retention-{year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
