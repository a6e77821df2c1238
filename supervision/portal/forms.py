"""Forms of the phone page and of the officer's sign-in section: they only parse; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH
from supervision.movement.forms import DATE, MultipleFileField
from supervision.reporting.actions import CODE_DIGITS
from supervision.reporting.forms import CheckInForm
from supervision.reporting.models import CheckIn


class SelfCheckInForm(CheckInForm):
    """The one-time code and the periodic report (the officer's form without how and when)."""

    method = None
    at = None
    code = forms.RegexField(
        label=_("The code from the office (6 digits)"),
        regex=rf"^\d{{{CODE_DIGITS}}}$",
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    field_order = ["code"]


class RemoteReportForm(CheckInForm):
    """A report made by a phone or video call with the office: it waits for an officer's confirmation."""

    method = forms.ChoiceField(
        label=_("How did you report?"),
        choices=[
            (CheckIn.Method.PHONE, CheckIn.Method.PHONE.label),
            (CheckIn.Method.VIDEO, CheckIn.Method.VIDEO.label),
        ],
        widget=forms.RadioSelect,
    )
    at = None


class TravelForm(forms.Form):
    start = forms.DateField(label=_("Leaving on"), widget=DATE)
    end = forms.DateField(label=_("Back by"), widget=DATE)
    destination = forms.CharField(label=_("Where to"), max_length=200)
    reason = forms.CharField(
        label=_("Reason for the trip"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(
        label=_("Proof (photos or PDF)"),
        required=False,
        help_text=_("For example a photo of a hospital letter. JPEG, PNG or PDF."),
    )


class ContactForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)
    people = forms.CharField(label=_("Whom you want to meet"), max_length=300)
    reason = forms.CharField(label=_("Why"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Proof (photos or PDF)"), required=False)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, withdraw this request"))


class ReportBackForm(forms.Form):
    returned_on = forms.DateField(label=_("I came back on"), widget=DATE)


class GrantForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=32)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    confirm = forms.BooleanField(label=_("Yes, take the sign-in back"))
