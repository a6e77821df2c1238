"""Pages of the document service: the register per office and year (with a CSV export), a document's page
(download, void after a confirmation, scan upload), and the public verification page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import attachments, scoping, spreadsheet
from accounts.roles import Role, has_role
from accounts.spreadsheet import SafeWriter
from config.api_fields import query_int
from config.errors import form_errors
from records import actions, pdf, selectors
from records.forms import ScanForm, VoidForm
from records.models import PUBLIC_PARTICULARS, DocumentKind, IssuedDocument
from services.models import Organisation

PAGE_SIZE = 50
# The register's state filter: value and label (the selector knows the values).
STATES = [
    ("valid", gettext_lazy("Valid")),
    ("voided", gettext_lazy("Voided")),
    ("scanned", gettext_lazy("Scan kept")),
    ("unscanned", gettext_lazy("Scan missing")),
]


def may_use_register(user: Any) -> bool:
    """The bureau, the officers (and heads) of judicial offices, and volunteer coordinators (their team's
    certificates)."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.VOLUNTEER_COORDINATOR)


def _staff(request: HttpRequest) -> None:
    if not may_use_register(request.user):
        raise PermissionDenied


def _filters(request: HttpRequest) -> dict:
    # A year or office that is not a number, or out of range, is ignored (never a database error).
    year = query_int(request.GET.get("year", ""), low=1, high=9999) or timezone.localdate().year
    office = query_int(request.GET.get("office", "")) or 0
    return {
        "office": office,
        "year": year,
        "kind": request.GET.get("kind", "") if request.GET.get("kind", "") in DocumentKind.values else "",
        "state": request.GET.get("state", "") if request.GET.get("state", "") in selectors.STATES else "",
        "q": request.GET.get("q", "")[:50],
    }


def _rows(request: HttpRequest, filters: dict):
    return selectors.register(
        request.user,
        office_id=filters["office"] or None,
        year=filters["year"],
        kind=filters["kind"],
        state=filters["state"],
        q=filters["q"],
    )


def _offices(user):
    """The offices whose documents the user sees (the filter's choices; the only ones a title may name)."""
    return Organisation.objects.filter(pk__in=scoping.scope(user, IssuedDocument).values("office_id"))


@require_GET
@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The register of documents per office and year: search, filter, page."""
    _staff(request)
    filters = _filters(request)
    page = Paginator(_rows(request, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    offices = _offices(request.user).order_by("name")
    query = "&".join(f"{key}={value}" for key, value in filters.items() if value)
    return render(
        request,
        "records/register.html",
        {
            "page": page,
            "filters": filters,
            "kinds": DocumentKind.choices,
            "states": STATES,
            "offices": offices,
            "query": query,
        },
    )


EXPORT_WIDTHS = (0.2, 0.14, 0.16, 0.14, 0.12, 0.12, 0.12)  # the PDF's column shares, in the header's order


def _export(request: HttpRequest) -> tuple[dict, list[str], list[list[str]]]:
    """The register as the filters select it: the header and a row per document (one list for every format)."""
    _staff(request)
    filters = _filters(request)
    header = [
        _("Number"),
        _("Kind"),
        _("Office"),
        pgettext("document register", "Person"),
        _("Issued at"),
        _("Issuer"),
        _("State"),
    ]
    rows = [
        [
            row.number,
            row.get_kind_display(),
            row.office.name,
            holder(row),
            timezone.localtime(row.issued_at).strftime("%Y-%m-%d %H:%M"),
            row.issued_by.get_full_name() or row.issued_by.get_username(),
            state_label(row),
        ]
        for row in _rows(request, filters)
    ]
    return filters, header, rows


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    """The register as a CSV file (through the project's one safe CSV writer)."""
    filters, header, rows = _export(request)
    response = _attachment(
        "\ufeff", "text/csv; charset=utf-8", f"register-{filters['year']}.csv"
    )  # the BOM: Excel, WPS
    writer = SafeWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@require_GET
@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    """The register as an XLSX workbook (text stays text)."""
    filters, header, rows = _export(request)
    content = spreadsheet.xlsx(title=_("Document register"), header=header, rows=rows)
    return _attachment(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"register-{filters['year']}.xlsx",
    )


@require_GET
@login_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    """The register as a printable PDF (A4 landscape), titled with the year and what was filtered."""
    filters, header, rows = _export(request)
    chosen = [str(filters["year"])]
    if filters["office"]:
        chosen += [office.name for office in _offices(request.user).filter(pk=filters["office"])]
    if filters["kind"]:
        chosen.append(str(DocumentKind(filters["kind"]).label))
    if filters["state"]:
        chosen.append(str(dict(STATES)[filters["state"]]))
    if filters["q"]:
        chosen.append(filters["q"])
    subtitle = " · ".join(chosen) + " · " + _("%(count)s documents") % {"count": len(rows)}
    content = pdf.render_table(
        title=_("Document register"), subtitle=subtitle, header=header, rows=rows, widths=EXPORT_WIDTHS
    )
    return _attachment(content, "application/pdf", f"register-{filters['year']}.pdf")


def masked_name(name: str) -> str:
    """The family name and a star per other character (赵**), as the volunteers' check always showed it."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def public_particulars(document: IssuedDocument) -> list[tuple[str, str]]:
    """(label, value) rows the public page shows of a document besides its number: only the snapshot's keys
    its kind allows (``PUBLIC_PARTICULARS``), a person's name masked."""
    rows = []
    for key in PUBLIC_PARTICULARS.get(document.kind, ()):
        value = str(document.snapshot.get(key, ""))
        if key == "name":
            rows.append((_("Volunteer"), masked_name(value)))
        elif key == "total_hours":
            rows.append((_("Hours of volunteer service"), value))
    return rows


def holder(row: IssuedDocument) -> str:
    """Who a register row is about: the supervisee, or the volunteer of a volunteer certificate."""
    if row.supervisee_id:
        return row.supervisee.name
    return str(row.snapshot.get("name", "")) if row.kind == DocumentKind.VOLUNTEER_CERTIFICATE else ""


def state_label(row: IssuedDocument) -> str:
    if row.voided_at:
        return _("Voided")
    return _("Valid, scan kept") if row.scan else _("Valid")


def _document(request: HttpRequest, uuid) -> IssuedDocument:
    _staff(request)
    try:
        return selectors.documents_for(request.user).get(uuid=uuid)
    except IssuedDocument.DoesNotExist:
        raise Http404 from None


@require_GET
@login_required
def detail(request: HttpRequest, uuid) -> HttpResponse:
    """One document: its number and state, the PDF, the scan, and the void and scan forms."""
    document = _document(request, uuid)
    return _detail_page(request, document, VoidForm(), ScanForm())


def _detail_page(request, document, void_form, scan_form, status=200) -> HttpResponse:
    policy = scoping.policy_for(IssuedDocument)
    return render(
        request,
        "records/detail.html",
        {
            "document": document,
            "state": state_label(document),
            "void_form": void_form,
            "scan_form": scan_form,
            "can_void": policy.can(request.user, "void", document),
            "can_scan": policy.can(request.user, "scan", document),
            "can_reissue": actions.may_reissue(document) and policy.can(request.user, "reissue", document),
        },
        status=status,
    )


@require_GET
@login_required
def document_pdf(request: HttpRequest, uuid) -> HttpResponse:
    """The PDF as issued (the stored bytes, never re-rendered)."""
    document = _document(request, uuid)
    return attachments.serve(document.pdf, download_name=f"document-{document.year}-{document.sequence}")


@require_GET
@login_required
def document_scan(request: HttpRequest, uuid) -> HttpResponse:
    """The signed and stamped scan, through this scoped and logged view."""
    document = _document(request, uuid)
    if not document.scan:
        raise Http404
    return attachments.serve(document.scan, download_name=f"scan-{document.year}-{document.sequence}")


@require_POST
@login_required
def void(request: HttpRequest, uuid) -> HttpResponse:
    document = _document(request, uuid)
    if not scoping.policy_for(IssuedDocument).can(request.user, "void", document):
        raise PermissionDenied
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            actions.void(document=document, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The document is void. Its number and PDF are kept in the register."))
            return redirect("records:detail", uuid=document.uuid)
    return _detail_page(request, document, form, ScanForm(), status=400)


@require_POST
@login_required
def reissue(request: HttpRequest, uuid) -> HttpResponse:
    """Issue the corrected document of a void one, from the same decision."""
    document = _document(request, uuid)
    if not scoping.policy_for(IssuedDocument).can(request.user, "reissue", document):
        raise PermissionDenied
    try:
        replacement = actions.reissue(document=document, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("records:detail", uuid=document.uuid)
    messages.success(request, _("The corrected document is issued with a new number."))
    return redirect("records:detail", uuid=replacement.uuid)


@require_POST
@login_required
def scan(request: HttpRequest, uuid) -> HttpResponse:
    document = _document(request, uuid)
    if not scoping.policy_for(IssuedDocument).can(request.user, "scan", document):
        raise PermissionDenied
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.upload_scan(document=document, actor=request.user, file=form.cleaned_data["file"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The scan is kept with the document."))
            return redirect("records:detail", uuid=document.uuid)
    return _detail_page(request, document, VoidForm(), form, status=400)


@require_http_methods(["GET", "HEAD"])
def verify(request: HttpRequest, uuid) -> HttpResponse:
    """Public check of a document by the code on it: number, kind, issue date, office and whether it is valid,
    and what its kind allows (a volunteer certificate: the masked name and the hours); never a supervisee."""
    document = selectors.for_verification(uuid)
    response = render(
        request,
        "records/verify.html",
        {"document": document, "particulars": public_particulars(document) if document else []},
        status=200 if document else 404,
    )
    response["Cache-Control"] = "no-store"
    return response
