"""Forms of the supervision pages: they parse input; the actions write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.attachments import AttachmentField
from coordination.models import TEXT_MAX_LENGTH, CorrectionTeamMember, SentenceType, SupervisionLevel
from services.models import RiskLevel
from supervision.models import (
    Announcement,
    CorrectionPlan,
    DecidingOrganKind,
    Holiday,
    Investigation,
    LegalDocument,
    ReleaseNotice,
    StatusChange,
)


class RuleOverrideForm(forms.Form):
    value = forms.IntegerField(
        label=_("Value in this deployment"),
        required=False,
        min_value=0,
        max_value=10000,
        help_text=_("Leave empty to use the legal default again."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("Required: why the value changes."))


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Holiday name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)


# --- The sentence lifecycle ------------------------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"})


class SentenceForm(forms.Form):
    organ_kind = forms.ChoiceField(label=_("Deciding organ kind"), choices=[("", "—"), *DecidingOrganKind.choices])
    organ_name = forms.CharField(label=_("Deciding organ"), max_length=200)
    case_number = forms.CharField(label=_("Case number (案号)"), max_length=100, required=False)
    judgment_date = forms.DateField(label=_("Judgment date"), widget=DATE, required=False)
    effective_date = forms.DateField(label=_("Date the decision took effect"), widget=DATE)
    sentence_type = forms.ChoiceField(label=_("Sentence type"), choices=[("", "—"), *SentenceType.choices])
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=600, required=False)
    offence_date = forms.DateField(
        label=_("Date of the offence"),
        widget=DATE,
        required=False,
        help_text=_("From the judgment. Decides whether a juvenile record is sealed when the case closes."),
    )
    principal_term_months = forms.IntegerField(
        label=_("Principal penalty term (months)"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("The term of the principal penalty in the judgment (for a suspended sentence: the prison term)."),
    )
    start = forms.DateField(label=_("Correction starts"), widget=DATE)
    end = forms.DateField(label=_("Correction ends"), widget=DATE)
    deprived_political_rights = forms.BooleanField(label=_("Deprived of political rights"), required=False)
    deprivation_months = forms.IntegerField(
        label=_("Deprivation term (months)"), min_value=1, max_value=600, required=False
    )
    notice_received_on = forms.DateField(
        label=_("Decision notice received"),
        widget=DATE,
        required=False,
        help_text=_("The day the deciding organ's notice arrived; leave empty if it has not come yet."),
    )


class DecisionNoticeForm(forms.Form):
    notice_received_on = forms.DateField(label=_("Decision notice received"), widget=DATE)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document kind"), choices=LegalDocument.Kind.choices)
    received_at = forms.DateField(label=_("Received"), widget=DATE)
    receipt_returned_at = forms.DateField(label=_("Receipt returned"), widget=DATE, required=False)


class RegisterForm(forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AnnouncementForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees = forms.CharField(label=_("Who attended"), widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.CharField(label=_("Items announced"), widget=forms.Textarea(attrs={"rows": 3}))
    is_public = forms.BooleanField(label=_("Held in public"), required=False)
    guardian_present = forms.BooleanField(label=_("Guardian present"), required=False)
    signed_scan = AttachmentField(label=_("Signed scan"), required=False)


class ClosingNoticesForm(forms.Form):
    """The notices of the closing to the deciding organ, the procuratorate and public security (for a release,
    CCL Art. 44), one date and method per organ, recorded with the release or termination itself. A notice
    left empty is recorded later by its own step, except on a record that is sealed on closing, which takes
    no later entry (the action says so)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, _label in ReleaseNotice.Recipient.choices:
            on, method = ReleaseNotice.closing_fields(value)
            # The page groups each organ's two fields under the organ's name (a fieldset and its legend).
            self.fields[on] = forms.DateField(label=_("Sent on"), widget=DATE, required=False)
            self.fields[method] = forms.ChoiceField(
                label=_("Method"), choices=[("", "—"), *ReleaseNotice.Method.choices], required=False
            )

    def other_fields(self):
        """The form's fields but the notices (the page shows the notices as a group of their own)."""
        notice_names = {
            name for value in ReleaseNotice.Recipient.values for name in ReleaseNotice.closing_fields(value)
        }
        return [field for field in self if field.name not in notice_names]

    def notice_rows(self):
        """Each organ's notice: its day and method fields, side by side on the page."""
        return [
            (label, *(self[name] for name in ReleaseNotice.closing_fields(value)))
            for value, label in ReleaseNotice.Recipient.choices
        ]


class ReleaseForm(ClosingNoticesForm, AnnouncementForm):
    """The release announcement; its date is the release date. Release asks for confirmation first and a
    file cannot travel through the confirmation page, so the signed scan is attached afterwards ("scan")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].label = _("Released on")
        del self.fields["signed_scan"]


class ScanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Announcement"), choices=Announcement.Kind.choices)
    signed_scan = AttachmentField(label=_("Signed scan"))


class DatedNoteForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TerminateForm(ClosingNoticesForm, DatedNoteForm):
    ground = forms.ChoiceField(label=_("Grounds"), choices=[("", "—"), *StatusChange.Ground.choices])

    field_order = ["on", "ground", "note"]


class NoticeForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Sent to"), choices=ReleaseNotice.Recipient.choices)
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=ReleaseNotice.Method.choices)


# The form that parses each lifecycle step (pages and API).
STEP_FORMS = {
    "sentence": SentenceForm,
    "notified": DecisionNoticeForm,
    "document": DocumentForm,
    "register": RegisterForm,
    "announce": AnnouncementForm,
    "suspend": DatedNoteForm,
    "resume": DatedNoteForm,
    "release": ReleaseForm,
    "terminate": TerminateForm,
    "notice": NoticeForm,
    "scan": ScanForm,
}


class InvestigationForm(forms.Form):
    judicial_office = forms.ModelChoiceField(label=_("Judicial office"), queryset=None)
    organ_kind = forms.ChoiceField(label=_("Requesting organ kind"), choices=[("", "—"), *DecidingOrganKind.choices])
    organ_name = forms.CharField(label=_("Requesting organ"), max_length=200)
    subject_name = forms.CharField(label=_("Person investigated"), max_length=100)
    subject_resident_id = forms.CharField(
        label=_("Their resident ID number"),
        max_length=30,
        required=False,
        help_text=_(
            "From the request. Only a keyed hash is kept: it links the request to the person's record once they "
            "are registered, so that a sealed juvenile record hides it too."
        ),
    )
    received_on = forms.DateField(label=_("Request received"), widget=DATE)
    expedited = forms.BooleanField(label=_("Expedited (fast-track) case"), required=False)

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judicial_office"].queryset = offices
        only = list(offices[:2]) if offices is not None else []
        if len(only) == 1:
            self.fields["judicial_office"].initial = only[0].pk


class CorrectInvestigationForm(forms.Form):
    """Correct the day a request came or whether it is expedited (the due date is worked out again)."""

    received_on = forms.DateField(label=_("Request received"), widget=DATE)
    expedited = forms.BooleanField(label=_("Expedited (fast-track) case"), required=False)


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("Opinion"), choices=[("", "—"), *Investigation.Opinion.choices])
    opinion_note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    opinion_sent_on = forms.DateField(label=_("Opinion sent"), widget=DATE)


# --- The correction plan and classification reviews -------------------------------------------------


class PlanForm(forms.Form):
    """A version of the correction plan (the actions decide what may change)."""

    supervision_level = forms.ChoiceField(label=_("Supervision level"), choices=SupervisionLevel.choices)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    classification_reasons = forms.CharField(
        label=_("Reasons for the classification"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    reporting_mode = forms.ChoiceField(label=_("How they report"), choices=CorrectionPlan.ReportingMode.choices)
    reporting_interval_days = forms.IntegerField(label=_("Report every (days)"), min_value=1, max_value=366)
    education_goals = forms.CharField(
        label=_("Education goals"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    help_goals = forms.CharField(
        label=_("Help and support goals"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Correction team"),
        queryset=CorrectionTeamMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    change_note = forms.CharField(label=_("What changed and why"), max_length=300, required=False)

    def __init__(self, *args, supervisee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = CorrectionTeamMember.objects.filter(supervisee=supervisee, is_active=True)


class ReviewForm(forms.Form):
    to_level = forms.ChoiceField(label=_("Proposed level"), choices=SupervisionLevel.choices)
    reasons = forms.CharField(label=_("Reasons"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
