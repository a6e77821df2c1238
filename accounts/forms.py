"""Forms of sign-in security: they only parse; accounts/actions.py does the writing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

TOKEN_LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (365, _("one year"))]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("What the token is for, e.g. the app or system that uses it.")
    )
    days = forms.TypedChoiceField(label=_("Valid for"), choices=TOKEN_LIFETIMES, coerce=int, initial=90)

    def clean_days(self) -> int:
        return min(self.cleaned_data["days"], settings.API_TOKEN_MAX_DAYS)


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().replace(" ", "")
