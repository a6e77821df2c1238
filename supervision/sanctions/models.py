"""Rewards and sanctions (考核奖惩; CCL Art. 28; Implementation Measures Arts. 32-36, 46-49; issue 16 item 2).

- ``SanctionProposal``: an officer's proposal of a reward or a sanction for one supervisee, on recorded
  grounds (``SanctionGround``), with the facts and evidence; the county bureau decides it. Proposals to an
  outside organ (public security, the court) are then sent and the organ's decision recorded; the court's
  30-day clock and the 48-hour clock of a detention request are obligations. Its state moves only along
  ``supervision.sanctions.actions.MACHINE``.
- ``SanctionEvidence``: an upload (image or PDF, checked by content) kept in private storage.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.attachments import private_storage
from coordination.models import TEXT_MAX_LENGTH, Supervisee


def evidence_path(instance: SanctionEvidence, filename: str) -> str:
    """A non-guessable name: the original name is kept on the row, never in the path."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"supervision/sanctions/{uuid.uuid4().hex}.{suffix[:5]}"


class SanctionProposal(models.Model):
    """A proposed reward or sanction, who proposed it, who decided it and, for an outside organ, its answer."""

    class Kind(models.TextChoices):
        PRAISE = "praise", _("praise (表扬)")
        ADMONITION = "admonition", _("admonition (训诫)")
        WARNING = "warning", _("warning (警告)")
        PENALTY = "penalty", _("proposal of a public-security penalty (治安管理处罚建议)")
        REVOCATION = "revocation", _("proposal to revoke probation or parole (撤销缓刑、假释建议)")
        PRISON = "prison", _("proposal to execute the sentence in prison (收监执行建议)")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("awaiting a decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")
        SENT = "sent", _("sent to the deciding organ")
        ORGAN_DECIDED = "organ_decided", _("decided by the organ")

    class Organ(models.TextChoices):
        PUBLIC_SECURITY = "public_security", _("public security organ")
        COURT = "court", _("people's court")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="sanction_proposals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED)
    grounds = models.ManyToManyField(
        "supervision.SanctionGround", verbose_name=_("grounds"), blank=True, related_name="proposals"
    )
    facts = models.TextField(_("facts"), max_length=TEXT_MAX_LENGTH)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    decision_number = models.CharField(_("decision number (文号)"), max_length=100, blank=True)
    procuratorate_notified_on = models.DateField(_("procuratorate notified on"), null=True, blank=True)
    # An outside organ: when the proposal went, the court's clock, and its answer.
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    court_due_on = models.DateField(_("the court decides by"), null=True, blank=True)
    detention_requested_at = models.DateTimeField(_("detention requested"), null=True, blank=True)
    detention_due_at = models.DateTimeField(_("detention decided by"), null=True, blank=True)
    organ_decided_on = models.DateField(_("organ decided on"), null=True, blank=True)
    organ_accepted = models.BooleanField(_("the organ granted the proposal"), null=True, blank=True)
    organ_reference = models.CharField(_("the organ's decision (number)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reward or sanction proposal")
        verbose_name_plural = _("reward and sanction proposals")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "withdrawn"]) | Q(decided_by__isnull=False),
                name="sanction_proposal_decider",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="sanction_proposal_not_own",
            ),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="sanction_proposal_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.supervisee_id}"

    @property
    def organ(self) -> str:
        """The outside organ that decides the proposal, or "" when the county bureau's decision is final."""
        return ORGAN_OF.get(self.kind, "")


# Who decides after the bureau approves (Measures Arts. 35, 46-49): public security a penalty, the court a
# revocation or an execution in prison.
ORGAN_OF = {
    SanctionProposal.Kind.PENALTY: SanctionProposal.Organ.PUBLIC_SECURITY,
    SanctionProposal.Kind.REVOCATION: SanctionProposal.Organ.COURT,
    SanctionProposal.Kind.PRISON: SanctionProposal.Organ.COURT,
}


class SanctionEvidence(models.Model):
    """Evidence uploaded with a proposal (a record of conversation, a photo): JPEG, PNG or PDF."""

    proposal = models.ForeignKey(
        SanctionProposal,
        verbose_name=_("reward or sanction proposal"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


__all__ = ["SanctionEvidence", "SanctionProposal"]
