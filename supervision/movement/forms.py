"""Forms of the movement pages: they parse input; the actions write and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH
from supervision.movement.models import MonitoringPeriod, MovementRequest, ProhibitionOrder

DATE = forms.DateInput(attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ApplyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of request"), choices=MovementRequest.Kind.choices)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)
    destination = forms.CharField(label=_("Destination or new address"), max_length=200, required=False)
    receiving_county = forms.CharField(label=_("Receiving county (relocation)"), max_length=200, required=False)
    people = forms.CharField(label=_("People to meet (contact)"), max_length=300, required=False)
    place = forms.CharField(label=_("Place to enter (entry)"), max_length=300, required=False)
    order = forms.ModelChoiceField(
        label=_("Prohibition order (entry)"), queryset=ProhibitionOrder.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(
        label=_("Proof (photos or PDF)"), required=False, help_text=_("JPEG, PNG or PDF; several files allowed.")
    )

    def __init__(self, *args, orders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orders is not None:
            self.fields["order"].queryset = orders


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reasons, or the level above's decision number"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferForm(forms.Form):
    referred_on = forms.DateField(label=_("Referred on"), widget=DATE)


class ConsultationForm(forms.Form):
    consulted_on = forms.DateField(label=_("Consultation sent"), widget=DATE)
    reply_on = forms.DateField(label=_("Reply received"), widget=DATE, required=False)
    agrees = forms.NullBooleanField(
        label=_("The receiving county agrees"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )


class HandOverForm(forms.Form):
    handed_over_on = forms.DateField(label=_("Documents and archive handed over"), widget=DATE)


class NoticeForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Notice sent to"), choices=MovementRequest.Recipient.choices)
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)


class ReportBackForm(forms.Form):
    returned_on = forms.DateField(label=_("Back on"), widget=DATE)


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("The order forbids"), choices=ProhibitionOrder.Kind.choices)
    text = forms.CharField(
        label=_("The order's words"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)


class BreachForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    facts = forms.CharField(label=_("Facts"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class MonitoringForm(forms.Form):
    ground = forms.ChoiceField(label=_("Statutory ground"), choices=MonitoringPeriod.Ground.choices)
    facts = forms.CharField(label=_("Facts"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=12)
    device_id = forms.CharField(label=_("Device id"), max_length=100, required=False)
    told_on = forms.DateField(label=_("Told the period and consequences on"), widget=DATE, required=False)
    extends = forms.ModelChoiceField(
        label=_("Extends the period"), queryset=MonitoringPeriod.objects.none(), required=False
    )
    assessment = forms.CharField(
        label=_("Fresh assessment (for an extension)"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, periods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if periods is not None:
            self.fields["extends"].queryset = periods


class EndMonitoringForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)
    reason = forms.CharField(label=_("Why monitoring is no longer needed"), max_length=300)


class LocationAccessForm(forms.Form):
    accessed_by = forms.CharField(label=_("Who looked"), max_length=100)
    accessed_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    system = forms.CharField(label=_("Which system"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
