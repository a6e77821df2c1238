"""Matching policy, batch runs and the proposals they produce (never referrals by themselves)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from matching.engine.policy import DEFAULT_POLICY, Policy, PolicyError
from services.models import Organisation, ServiceOffering


def default_policy_data() -> dict:
    """The documented defaults (docs/matching.md), as stored JSON."""
    return DEFAULT_POLICY.to_dict()


class MatchingPolicy(models.Model):
    """The bureau's weights and rule switches (docs/matching.md). The newest active one applies."""

    name = models.CharField(_("name"), max_length=100)
    data = models.JSONField(
        _("weights and rules"),
        default=default_policy_data,
        help_text=_("Weights of the cost terms, switched-off optional rules, number of suggestions."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("matching policy")
        verbose_name_plural = _("matching policies")
        ordering = ["-is_active", "-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            Policy.from_dict(self.data)
        except PolicyError as exc:
            raise ValidationError({"data": [f"{k}: {v}" for k, v in exc.errors.items()]}) from exc

    def policy(self) -> Policy:
        return Policy.from_dict(self.data)


class MatchRun(models.Model):
    """One batch assignment of the open needs of the city or of one judicial office."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Failure(models.TextChoices):
        ERROR = "error", _("The run stopped on an error.")
        WORKER_LOST = "worker_lost", _("The worker running it stopped answering (no heartbeat); it was stopped.")

    class Kind(models.TextChoices):
        REFERRALS = "referrals", _("needs to services")
        MENTORS = "mentors", _("mentor pairing")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REFERRALS)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("judicial office"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_runs",
        limit_choices_to={"kind": Organisation.Kind.JUDICIAL_OFFICE},
        help_text=_("Empty: the whole city."),
    )
    policy = models.ForeignKey(
        MatchingPolicy, verbose_name=_("policy"), on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the nightly run."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    needs_count = models.PositiveIntegerField(_("open needs"), default=0)
    offerings_count = models.PositiveIntegerField(_("offerings"), default=0)
    places_count = models.PositiveIntegerField(_("free places"), default=0)
    proposals_count = models.PositiveIntegerField(_("proposals"), default=0)
    total_cost = models.FloatField(_("total cost"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The run's lifecycle (docs/matching.md, "Runs that never strand"): each execution claims the
    # run with a new attempt number and beats on ``heartbeat_at`` while it works; a stale heartbeat
    # means its worker died and the sweep fails the run. ``queued_at``: when it was last queued.
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    failure = models.CharField(_("why it failed"), max_length=12, choices=Failure.choices, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="match_run_progress_max_100"),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="match_run_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.pk} · {self.get_status_display()}"


def optional_link(to, verbose_name) -> models.ForeignKey:
    """A link a proposal may lack (runner-up, the choice on an edit, what a confirmation wrote); kept if it goes."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


class ProposalBase(models.Model):
    """What every kind of proposal holds: the optimiser's cost, score and reasons, the runner-up, the decision.

    A concrete kind adds the run, whom the proposal is for, its target (``target_field``), the
    target chosen instead on an edit (``chosen_field``) and what a confirmation wrote
    (``result_field``); ``matching.kinds`` says what confirming does.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        EDITED = "edited", _("edited")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("superseded")

    target_field: str
    chosen_field: str
    result_field: str

    cost = models.FloatField(pgettext_lazy("matching", "cost"))
    score = models.PositiveSmallIntegerField(_("score"))
    # [{"code": ..., "params": {...}}, ...] rendered by matching.reasons
    reasons = models.JSONField(_("reasons"), default=list)
    runner_up_cost = models.FloatField(_("runner-up cost"), null=True, blank=True)
    runner_up_full = models.BooleanField(_("runner-up full after the run"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    decision_note = models.CharField(_("reason"), max_length=255, blank=True)
    decided_by = optional_link(settings.AUTH_USER_MODEL, _("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def cost_difference(self) -> float | None:
        return None if self.runner_up_cost is None else round(self.runner_up_cost - self.cost, 1)

    @property
    def target(self):
        return getattr(self, self.target_field)

    @property
    def result(self):
        return getattr(self, self.result_field)


def decision_constraints(prefix: str, chosen: str, edited_name: str) -> list[models.BaseConstraint]:
    """An edit names what was chosen instead and why; a rejection says why."""
    return [
        models.CheckConstraint(
            condition=~Q(status="edited") | (Q(**{f"{chosen}__isnull": False}) & ~Q(decision_note="")),
            name=edited_name,
        ),
        models.CheckConstraint(
            condition=~Q(status="rejected") | ~Q(decision_note=""), name=f"{prefix}_rejected_has_reason"
        ),
    ]


class Proposal(ProposalBase):
    """The optimiser proposes one offering for one need; an officer confirms, edits or rejects it."""

    target_field, chosen_field, result_field = "offering", "chosen_offering", "referral"

    run = models.ForeignKey(MatchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="proposals")
    need = models.ForeignKey(
        "coordination.Need", verbose_name=_("need"), on_delete=models.CASCADE, related_name="match_proposals"
    )
    offering = models.ForeignKey(
        ServiceOffering, verbose_name=_("proposed service"), on_delete=models.CASCADE, related_name="match_proposals"
    )
    runner_up = optional_link(ServiceOffering, _("runner-up"))
    chosen_offering = optional_link(ServiceOffering, _("service chosen instead"))
    referral = optional_link("coordination.Referral", _("referral draft"))

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["run", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "need"], name="proposal_one_per_need_per_run"),
            *decision_constraints("proposal", "chosen_offering", "proposal_edited_has_offering_and_reason"),
        ]
        indexes = [models.Index(fields=["need", "status"], name="proposal_need_status")]

    def __str__(self) -> str:
        return f"{self.need} → {self.offering}"

    @property
    def supervisee(self):
        return self.need.supervisee


class MentorProposal(ProposalBase):
    """The optimiser proposes one volunteer mentor for one supervisee; an officer confirms, edits or rejects it.

    The common fields and the decision live in ``ProposalBase`` and ``matching.actions.decide``;
    this kind differs in its foreign keys and in what a confirmation writes (a correction team
    member, not a referral draft).
    """

    target_field, chosen_field, result_field = "mentor", "chosen_mentor", "team_member"

    run = models.ForeignKey(MatchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="mentor_proposals")
    supervisee = models.ForeignKey(
        "coordination.Supervisee",
        verbose_name=_("supervisee"),
        on_delete=models.CASCADE,
        related_name="mentor_proposals",
    )
    mentor = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("proposed mentor"), on_delete=models.CASCADE, related_name="+"
    )
    runner_up = optional_link("volunteers.Volunteer", _("runner-up"))
    chosen_mentor = optional_link("volunteers.Volunteer", _("mentor chosen instead"))
    team_member = optional_link("coordination.CorrectionTeamMember", _("correction team member"))

    class Meta:
        verbose_name = _("mentor proposal")
        verbose_name_plural = _("mentor proposals")
        ordering = ["run", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "supervisee"], name="mentor_proposal_one_per_supervisee_per_run"),
            *decision_constraints("mentor_proposal", "chosen_mentor", "mentor_proposal_edited_has_mentor_and_reason"),
        ]
        indexes = [models.Index(fields=["supervisee", "status"], name="mentor_proposal_sup_status")]

    def __str__(self) -> str:
        return f"{self.supervisee_id} → {self.mentor_id}"
