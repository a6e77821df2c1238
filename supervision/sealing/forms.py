"""Forms of the sealed records: they only parse (the rules are in ``supervision.sealing.actions``)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OpenSealedForm(forms.Form):
    organ = forms.CharField(
        label=_("Requesting judicial organ"),
        max_length=200,
        required=False,
        help_text=_("The court, procuratorate or public security organ handling the case."),
    )
    reference = forms.CharField(label=_("Reference number of the request"), max_length=100, required=False)
    purpose = forms.CharField(
        label=_("Legal purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The case the record is needed for, as the request states it."),
    )


class SealedSearchForm(forms.Form):
    q = forms.CharField(label=_("Case number or resident ID number"), max_length=30, required=False)


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-\d{2}$",
        required=False,
        error_messages={"invalid": _("Write the month as YYYY-MM, for example 2026-03.")},
    )

    @staticmethod
    def this_month() -> dt.date:
        return timezone.localdate().replace(day=1)

    def clean_month(self) -> dt.date:
        value = self.cleaned_data.get("month")
        if not value:
            return self.this_month()
        year, month = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12 or year < 2000:
            raise forms.ValidationError(_("Write the month as YYYY-MM, for example 2026-03."))
        return dt.date(year, month, 1)
