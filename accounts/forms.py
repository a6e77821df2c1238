"""Forms of sign-in security: they only parse; accounts/actions.py does the writing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_person_name

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


# --- People and roles: these forms parse; accounts/actions.py decides and writes -------------


def normalise_cn_mobile(raw: str) -> str:
    """A mainland mobile number in E.164 (+8613800138000), or ValidationError (as volunteers.forms does)."""
    import phonenumbers
    from django.core.exceptions import ValidationError

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


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with your name and shown on the person's page."),
    )


class ReasonForm(forms.Form):
    reason = _reason_field()

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(_("Give a reason."), code="required")
        return value


class RoleForm(ReasonForm):
    """A role in an organisation; the choices are what the actor may grant."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Role"), choices=())
    reason = _reason_field()

    def __init__(self, *args, actor, **kwargs):
        from accounts import roles, selectors
        from services.models import Membership

        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["organisation"].queryset = selectors.people_organisations(actor)
        offered = set()
        for organisation in self.fields["organisation"].queryset:
            offered.update(roles.grantable_roles(actor, organisation))
        self.fields["role"].choices = [(code, label) for code, label in Membership.Role.choices if code in offered]

    def clean(self):
        from accounts import roles

        data = super().clean()
        organisation, role = data.get("organisation"), data.get("role")
        if organisation and role and role not in roles.grantable_roles(self.actor, organisation):
            self.add_error("role", _("You cannot give this role in this organisation."))
        return data


class InviteForm(RoleForm):
    full_name = forms.CharField(label=_("Full name"), max_length=100, validators=[validate_person_name])
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    field_order = ["full_name", "email", "phone", "organisation", "role", "reason"]

    def clean_full_name(self) -> str:
        from accounts.validators import validate_person_name

        value = self.cleaned_data["full_name"].strip()
        validate_person_name(value)
        return value

    def clean_email(self) -> str:
        from accounts.models import User

        value = self.cleaned_data["email"].strip().lower()
        if value and User.objects.filter(email__iexact=value).exists():
            raise forms.ValidationError(
                _("Someone already has an account with this e-mail; give them a role from their page."), code="taken"
            )
        return value

    def clean_phone(self) -> str:
        from accounts.models import User

        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        value = normalise_cn_mobile(raw)
        if User.objects.filter(phone=value).exists() or User.objects.filter(username=value).exists():
            raise forms.ValidationError(
                _("Someone already has an account with this phone number; give them a role from their page."),
                code="taken",
            )
        return value

    def clean(self):
        data = super().clean()
        if (
            not data.get("email")
            and not data.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error("email", _("Give an e-mail address or a mobile phone number to send the invitation to."))
        return data


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Account"),
        required=False,
        choices=[("", _("all")), ("yes", _("active")), ("no", _("deactivated"))],
    )

    def __init__(self, *args, actor, **kwargs):
        from accounts import selectors
        from services.models import Membership

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.people_organisations(actor)
        self.fields["role"].choices = [("", _("all")), *Membership.Role.choices]
