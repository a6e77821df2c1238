"""The two kinds of proposal as one strategy each: what a proposal targets, how a run's rows are
written, what may be chosen instead, and what confirming does.

``matching.actions.decide`` is the one decision for both kinds; the views, the API and the
template read the rest of what differs from here. ``carry_out`` writes only through the other
apps' actions and is called by ``decide`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from coordination import actions as coordination_actions
from coordination.models import CorrectionTeamMember
from matching import selectors
from matching.engine.explain import score
from matching.models import MatchRun, MentorProposal, Proposal, ProposalBase
from services.models import ServiceOffering

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class ProposalKind:
    name: str  # MatchRun.Kind
    model: type[ProposalBase]
    supervisee_path: str  # from the proposal to its supervisee, in a query
    visible: Callable[[User], QuerySet]  # the proposals a user may read (scope(user, Model))
    choices: Callable[[ProposalBase], QuerySet]  # what an officer may choose instead
    choice_label: Callable[[object], str]
    # one explanation of the engine → the columns (attnames) of a new proposal; the others take their defaults
    values: Callable[[MatchRun, object], dict]
    carry_out: Callable[..., object]  # (locked proposal, target, actor, message) → what confirming wrote
    # What users see
    edit_label: Promise
    other_label: Promise
    choose_message: Promise  # the edit has no target
    reason_message: Promise  # the edit has no reason
    pick_message: Promise  # the API's target id is not one of the choices
    help_text: Promise
    done_message: Promise
    title: Promise
    summary_template: str  # the kind's slot in matching/proposal.html


def _values(run: MatchRun, e, **links) -> dict:
    """The columns of a new proposal from one explanation of the engine (both kinds explain alike).

    Plain values, not model instances: a province run writes 80,000 of them (``actions._insert``).
    """
    return {
        "run_id": run.pk,
        "cost": e.cost,
        "score": score(e.cost),
        "reasons": [{"code": r.code, "params": r.params} for r in e.reasons],
        "runner_up_cost": e.runner_up_cost,
        "runner_up_full": e.runner_up_full,
        **links,
    }


# --- Needs to services ---------------------------------------------------------------


def _offering_choices(proposal: Proposal) -> QuerySet:
    return (
        scoping.scope(None, ServiceOffering)
        .filter(category_id=proposal.need.category_id)
        .exclude(pk=proposal.offering_id)
        .select_related("organisation")
        .order_by("name", "organisation__name", "pk")
    )


def _offering_label(offering) -> str:
    return f"{offering.name} · {offering.organisation.display_name}"


def _offering_values(run: MatchRun, e) -> dict:
    return _values(run, e, need_id=e.need_id, offering_id=e.offering_id, runner_up_id=e.runner_up_offering_id)


def _draft_referral(proposal: Proposal, offering, actor: User, message: str):
    """A referral DRAFT to the offering (never sent: sending stays the officer's act)."""
    return coordination_actions.create_referral(
        need=proposal.need, offering=offering, actor=actor, message=message, send=False
    )


# --- Supervisees to mentors ----------------------------------------------------------


def _mentor_label(volunteer) -> str:
    return volunteer.full_name


def _mentor_values(run: MatchRun, e) -> dict:
    return _values(run, e, supervisee_id=e.mentee_id, mentor_id=e.mentor_id, runner_up_id=e.runner_up_mentor_id)


def _join_team(proposal: MentorProposal, mentor, actor: User, message: str) -> CorrectionTeamMember:
    """The mentor joins the supervisee's correction team through the team action (Art. 25 and the team rules)."""
    from volunteers.models import Volunteer

    mentor = Volunteer.objects.select_for_update().select_related("user").get(pk=mentor.pk)
    candidate = scoping.scope(actor, Volunteer, "team_candidate").filter(pk=mentor.pk).exists()
    if not candidate or mentor.max_mentees <= 0 or not mentor.sex:
        raise ValidationError({"mentor": _("This volunteer is not an active mentor.")}, code="not_mentor")
    rows = selectors.mentor_rows(Volunteer.objects.filter(pk=mentor.pk))
    if not rows or rows[0].places_left <= 0:
        raise ValidationError({"mentor": _("This mentor has no places left.")}, code="mentor_capacity")
    supervisee = proposal.supervisee
    if supervisee.is_minor and not mentor.cleared_for_minors:
        raise ValidationError({"mentor": _("Only a mentor cleared for minors may mentor a minor.")}, code="minors")
    if CorrectionTeamMember.objects.filter(
        supervisee=supervisee, user=mentor.user, role=CorrectionTeamMember.Role.VOLUNTEER
    ).exists():
        raise ValidationError({"mentor": _("This volunteer is already on the correction team.")}, code="duplicate")
    return coordination_actions.add_team_member(
        supervisee=supervisee,
        actor=actor,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=mentor.full_name,
        sex=mentor.sex,
        user=mentor.user,
        phone=mentor.phone,
    )


REFERRALS = ProposalKind(
    name=MatchRun.Kind.REFERRALS,
    model=Proposal,
    supervisee_path="need__supervisee",
    visible=lambda user: scoping.scope(user, Proposal),
    choices=_offering_choices,
    choice_label=_offering_label,
    values=_offering_values,
    carry_out=_draft_referral,
    edit_label=_("choose another service"),
    other_label=_("Another service"),
    choose_message=_("Choose the service to use instead."),
    reason_message=_("Say why you chose another service."),
    pick_message=_("Choose an active service."),
    help_text=_("Confirming or choosing another service creates a referral draft; you send it from the referral page."),
    done_message=_("Referral saved as a draft. Check it and send it."),
    title=_("Review a proposal"),
    summary_template="matching/_proposal_referrals.html",
)

MENTORS = ProposalKind(
    name=MatchRun.Kind.MENTORS,
    model=MentorProposal,
    supervisee_path="supervisee",
    visible=lambda user: scoping.scope(user, MentorProposal),
    choices=lambda proposal: selectors.choosable_mentors(proposal.supervisee),
    choice_label=_mentor_label,
    values=_mentor_values,
    carry_out=_join_team,
    edit_label=_("choose another mentor"),
    other_label=_("Another mentor"),
    choose_message=_("Choose the mentor to use instead."),
    reason_message=_("Say why you chose another mentor."),
    pick_message=_("Choose an active mentor."),
    help_text=_(
        "Confirming or choosing another mentor adds the volunteer to the correction team; the team rules "
        "(a woman on a female supervisee's team, minors only with cleared mentors) are checked first."
    ),
    done_message=_("The mentor has joined the correction team."),
    title=_("Review a mentor proposal"),
    summary_template="matching/_proposal_mentors.html",
)

KINDS: dict[str, ProposalKind] = {k.name: k for k in (REFERRALS, MENTORS)}


def of(proposal: ProposalBase) -> ProposalKind:
    """The kind of a proposal (by its model)."""
    return next(k for k in KINDS.values() if isinstance(proposal, k.model))
