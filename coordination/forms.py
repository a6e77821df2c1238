"""Forms of the casework workbench: validate input, then call an action."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.idempotency import IdempotentFormMixin
from accounts.validators import validate_person_name
from coordination import identity
from coordination.models import (
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    CaseNote,
    Consent,
    CorrectionTeamMember,
    HouseholdType,
    Need,
    OffenceCategory,
    Referral,
    RiskLevel,
    SentenceType,
    Sex,
    SupervisionLevel,
)
from services.models import Organisation, ServiceCategory, Township


class NeedForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ServiceCategory.objects.filter(is_active=True), empty_label=None
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Need.Urgency.choices, coerce=int, initial=Need.Urgency.NORMAL
    )
    description = forms.CharField(
        label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=TEXT_MAX_LENGTH
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices)
    # Required by the action (coordination.actions.add_note), so the page and the API say the same.
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH, required=False
    )


class ConsentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Share with"), queryset=Organisation.objects.filter(is_active=True).order_by("kind", "name")
    )
    method = forms.ChoiceField(label=_("How consent was given"), choices=Consent.Method.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class ReferralForm(IdempotentFormMixin):
    offering = forms.ModelChoiceField(label=_("Service"), queryset=None, empty_label=None)
    message = forms.CharField(
        label=_("Message to the provider"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Only what the provider needs to know; never the offence."),
    )
    send_now = forms.BooleanField(label=_("Send now"), required=False, initial=True)
    override_consent = forms.BooleanField(label=_("Send without recorded consent (officer override)"), required=False)
    override_reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=255)

    def __init__(self, *args, offerings=None, can_override: bool = False, consented=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.consented = consented
        self.fields["offering"].queryset = offerings
        self.fields["offering"].label_from_instance = self.offering_label
        if not can_override:
            del self.fields["override_consent"]
            del self.fields["override_reason"]

    def offering_label(self, offering) -> str:
        free = _("free places: %(n)s") % {"n": offering.free}
        consent = _("consent recorded") if offering.organisation_id in self.consented else _("no consent yet")
        return pgettext_lazy("referral form offering", "%(organisation)s · %(offering)s (%(free)s; %(consent)s)") % {
            "organisation": offering.organisation.display_name,
            "offering": offering.name,
            "free": free,
            "consent": consent,
        }

    # An override without a reason is refused by the action (coordination.actions.transition).


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=TEXT_MAX_LENGTH)
    grade = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Referral.Outcome.choices])
    # Case staff: the note is written for the provider (otherwise only case staff see it; issue 11, finding 2).
    for_provider = forms.BooleanField(label=_("Show this note to the provider"), required=False)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English"), ("ug", "ئۇيغۇرچە"), ("bo", "བོད་ཡིག")]


class SuperviseeForm(forms.Form):
    """Intake and edit of a supervisee record. Field checks here; the action checks again and writes."""

    name = forms.CharField(label=_("Full name"), max_length=100, validators=[validate_person_name])
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=50,
        validators=[validate_person_name],
        help_text=_("What volunteers see instead of the full name."),
    )
    # Both follow from the ID number (filled in when left empty); typed values are checked against it.
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET, required=False)
    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
        help_text=_("18 characters; checked against the date of birth and sex."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    household_type = forms.ChoiceField(label=_("Household type"), choices=HouseholdType.choices)
    township = forms.ModelChoiceField(label=_("Township"), queryset=Township.objects.order_by("name"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    judicial_office = forms.ModelChoiceField(label=_("Judicial office"), queryset=Organisation.objects.none())
    # No preselected sentence, offence or risk: a wrong default is worse than a required choice.
    sentence_type = forms.ChoiceField(label=_("Sentence type"), choices=[("", "—"), *SentenceType.choices])
    offence_category = forms.ChoiceField(label=_("Offence category"), choices=[("", "—"), *OffenceCategory.choices])
    correction_start = forms.DateField(label=_("Correction starts"), widget=DATE_WIDGET)
    correction_end = forms.DateField(label=_("Correction ends"), widget=DATE_WIDGET)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=[("", "—"), *RiskLevel.choices])
    supervision_level = forms.ChoiceField(
        label=_("Supervision level"), choices=SupervisionLevel.choices, initial=SupervisionLevel.ORDINARY
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGES, initial="zh-hans")

    def __init__(self, *args, offices=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["judicial_office"].queryset = offices
        self.fields["judicial_office"].label_from_instance = lambda o: o.display_name
        self.fields["township"].label_from_instance = lambda t: t.display_name
        only = list(offices[:2]) if offices is not None else []
        if len(only) == 1:  # one office: preselect it and its township
            self.fields["judicial_office"].initial = only[0].pk
            self.fields["township"].initial = only[0].township_id
        if editing:
            # The level changes only through a classification review (supervision: the correction plan page).
            del self.fields["supervision_level"]
            self.fields["resident_id"].required = False
            self.fields["resident_id"].help_text = _(
                "Leave empty to keep the number on record. A new number needs a reason."
            )
            self.fields["id_change_note"] = forms.CharField(
                label=_("Reason for changing the ID number"), max_length=255, required=False
            )

    def clean_phone(self):
        try:
            return identity.normalise_phone(self.cleaned_data.get("phone", ""))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean(self):
        data = super().clean()
        born, sex, number = data.get("date_of_birth"), data.get("sex"), (data.get("resident_id") or "").strip()
        if number and not (born and sex):
            try:
                parsed = identity.validate_resident_id(number)
            except ValidationError:
                parsed = ""  # the check below names the problem
            if parsed:
                born = data["date_of_birth"] = born or identity.birth_date_of(parsed)
                sex = data["sex"] = sex or identity.sex_of(parsed)
        if number and born and sex:
            try:
                data["resident_id"] = identity.validate_resident_id(number, date_of_birth=born, sex=sex)
            except ValidationError as exc:
                self.add_error("resident_id", exc.messages)
        elif number and "resident_id" not in self.errors:
            try:
                identity.validate_resident_id(number)
            except ValidationError as exc:
                self.add_error("resident_id", exc.messages)
        for name in ("date_of_birth", "sex"):
            if not data.get(name) and name not in self.errors and "resident_id" not in self.errors:
                self.add_error(name, _("Enter the resident ID number, or fill this in."))
        start, end = data.get("correction_start"), data.get("correction_end")
        if start and end and end < start:
            self.add_error("correction_end", _("The correction cannot end before it starts."))
        if born and born > timezone.localdate():
            self.add_error("date_of_birth", _("The date of birth cannot be in the future."))
        return data


class TeamMemberForm(forms.Form):
    """Add someone to the correction team: a user (office staff, an active volunteer) or a family contact."""

    role = forms.ChoiceField(label=_("Role on the team"), choices=CorrectionTeamMember.Role.choices)
    user = forms.ModelChoiceField(
        label=_("Person (staff or volunteer)"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for a family contact."),
    )
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=100,
        required=False,
        help_text=_("Needed for a family contact."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    meeting_schedule = forms.CharField(
        label=_("Meeting times"),
        max_length=200,
        required=False,
        help_text=_("For example: Wednesdays 15:00 at the office."),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: u.get_full_name()

    def clean_phone(self):
        try:
            return identity.normalise_phone(self.cleaned_data.get("phone", ""))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    # Who may be on the team in which role, and the family contact's name: the action's rules
    # (coordination.actions.add_team_member), shown on this form by the view.


class CloseNeedForm(forms.Form):
    # Required by the action (coordination.actions.close_need).
    reason = forms.CharField(label=_("Why is the need closed?"), max_length=500, required=False)
