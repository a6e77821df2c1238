"""How each document of a supervision decision is issued again after a void (``records.actions.reissue``):
from the same decision, through the same function that issued it first."""

from __future__ import annotations


def register() -> None:
    from records.actions import register_issuer
    from records.models import DocumentKind
    from supervision import actions
    from supervision.movement import actions as movement
    from supervision.movement.documents import APPROVAL_KINDS
    from supervision.reporting import actions as reporting
    from supervision.sanctions import actions as sanctions

    register_issuer(
        DocumentKind.RELEASE_CERTIFICATE,
        lambda change, actor, request: actions.release_certificate(change=change, http_request=request),
    )
    register_issuer(
        DocumentKind.TERMINATION_NOTICE,
        lambda change, actor, request: actions.termination_notice(change=change, http_request=request),
    )
    register_issuer(
        DocumentKind.INTAKE_ANNOUNCEMENT,
        lambda announcement, actor, request: actions.announcement_document(
            announcement=announcement, http_request=request
        ),
    )
    register_issuer(
        DocumentKind.CORRECTION_PLAN,
        lambda plan, actor, request: actions.plan_document(plan=plan, http_request=request),
    )
    register_issuer(
        DocumentKind.LOST_CONTACT_NOTICE,
        lambda episode, actor, request: reporting.lost_contact_notice(
            episode=episode, actor=actor, http_request=request
        ),
    )
    for kind in (DocumentKind.SANCTION_DECISION, DocumentKind.SANCTION_PROPOSAL):
        register_issuer(
            kind, lambda proposal, actor, request: sanctions.decision_document(proposal=proposal, http_request=request)
        )
    register_issuer(
        DocumentKind.TRAVEL_CERTIFICATE,
        lambda row, actor, request: movement.travel_certificate(request=row, http_request=request),
    )
    for kind in set(APPROVAL_KINDS.values()):
        register_issuer(kind, lambda row, actor, request: movement.approval_form(request=row, http_request=request))
