"""Page forms: validate at the edge, with messages in the user's language; actions do the writing."""

from __future__ import annotations

import uuid
from decimal import Decimal

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.idempotency import IdempotentFormMixin
from accounts.validators import validate_person_name
from services.models import Language, Organisation, Sex, Township
from volunteers.models import MAX_MENTEES, HourLog, Opportunity, Shift, TrainingCourse, Volunteer


def normalise_cn_mobile(raw: str) -> str:
    """A mainland mobile number in E.164 (+8613800138000), or ValidationError."""
    try:
        number = phonenumbers.parse(raw.strip(), "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise ValidationError(_("Enter a valid mainland China mobile number, e.g. 13800138000."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def volunteer_teams():
    return Organisation.objects.filter(is_active=True, kind=Organisation.Kind.VOLUNTEER_TEAM)


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100, validators=[validate_person_name])
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    # A phone number alone is enough (issue 12, item 10): without an e-mail the confirmation and the
    # set-password link come by SMS.
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        max_length=254,
        required=False,
        help_text=_("Without an e-mail address we send the confirmation by SMS."),
    )
    # No preselected team: the applicant chooses, so they land with the coordinators who expect them.
    organisation = forms.ModelChoiceField(
        label=_("Volunteer team"), queryset=volunteer_teams(), empty_label=_("Choose a team")
    )
    township = forms.ModelChoiceField(
        label=_("Township where you live"), queryset=Township.objects.all(), required=False
    )
    skills = forms.CharField(
        label=_("Skills"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    languages = forms.CharField(
        label=_("Languages and dialects"),
        max_length=200,
        required=False,
        help_text=_("For example: Mandarin, Henan dialect"),
    )
    availability = forms.CharField(
        label=_("When you are available"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    motivation = forms.CharField(
        label=_("Why you want to volunteer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the volunteer team processes the data in this form to handle my application and, if "
            "accepted, my volunteer service. I can withdraw this consent at any time."
        ),
        error_messages={"required": _("Your separate consent is needed before we can process your application.")},
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = volunteer_teams()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if len(name) < 2:
            raise ValidationError(_("Enter your full name."))
        return name

    def clean_phone(self) -> str:
        return normalise_cn_mobile(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Move to"), choices=())
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        from volunteers.actions import allowed_transitions

        super().__init__(*args, **kwargs)
        # Any status parses; the vetting action refuses a step its table does not allow, with the
        # same message the API gives. The menu offers only the allowed steps.
        field = self.fields["to_status"]
        field.choices = Volunteer.Status.choices
        field.widget.choices = [(s, Volunteer.Status(s).label) for s in allowed_transitions(volunteer.status)]


class MentoringForm(forms.Form):
    """The coordinator sets whether and how a volunteer mentors (read by the matching engine)."""

    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("unknown")), *Sex.choices], required=False)
    max_mentees = forms.IntegerField(
        label=_("Maximum mentees"), min_value=0, max_value=MAX_MENTEES, help_text=_("0 = not a mentor; at most 10.")
    )
    cleared_for_minors = forms.BooleanField(label=_("Cleared to mentor minors"), required=False)
    language_codes = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class TrainingRecordForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=TrainingCourse.objects.all())
    completed_on = forms.DateField(label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"}))


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["organisation", "kind", "title", "description", "required_courses", "is_public"]
        widgets = {"required_courses": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class ShiftForm(IdempotentFormMixin):
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=Opportunity.objects.none())
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place"), max_length=255)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)

    def __init__(self, *args, opportunities=None, fixed_opportunity: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if opportunities is not None:
            self.fields["opportunity"].queryset = opportunities
        if fixed_opportunity:  # rescheduling an existing shift: not a create, no idempotency key
            del self.fields["opportunity"]
            del self.fields["idempotency_key"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the volunteers)"), max_length=500, required=False)


class HourLogForm(forms.Form):
    shift = forms.ModelChoiceField(label=_("Shift"), queryset=Shift.objects.none(), required=False)
    activity = forms.CharField(label=_("Or another activity"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.25"), max_value=Decimal("24"), decimal_places=2)
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, shifts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shifts is not None:
            self.fields["shift"].queryset = shifts
        self.fields["shift"].label_from_instance = lambda s: (
            f"{s.opportunity.neutral_title} · {timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}"
        )


class ReviewForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(label=_("Entries"), queryset=HourLog.objects.none())
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entries is not None:
            self.fields["entries"].queryset = entries


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()
