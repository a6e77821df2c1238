"""Forms of the education pages: they parse input; the actions write and refuse."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coordination.models import TEXT_MAX_LENGTH
from services.models import Organisation
from supervision.education.models import Attendance, Session
from volunteers.models import Shift

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Judicial office"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=200)
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator (officer or social worker)"), queryset=User.objects.none(), required=False
    )
    volunteer_shift = forms.ModelChoiceField(
        label=_("Or a volunteer through a volunteer shift"), queryset=Shift.objects.none(), required=False
    )
    minors_only = forms.BooleanField(
        label=_("Minors only"), required=False, help_text=_("Minors are kept apart from adults (CCL Art. 52).")
    )

    def __init__(self, *args, offices=None, staff=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Organisation.objects.none()
        if editing:
            del self.fields["office"]
        elif offices is not None and offices.count() == 1:
            self.fields["office"].initial = offices.first()
        self.fields["facilitator"].queryset = staff if staff is not None else User.objects.none()
        self.fields["volunteer_shift"].queryset = Shift.objects.filter(
            status=Shift.Status.SCHEDULED, ends_at__gte=timezone.now() - dt.timedelta(days=31)
        ).select_related("opportunity")


class AttendanceSheetForm(forms.Form):
    """One status, minutes and excuse field per person offered on the sheet."""

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people)
        for row in self.people:
            pk = row["supervisee"].pk
            recorded = row["attendance"]
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=row["label"],
                choices=[("", _("not recorded")), *Attendance.Status.choices],
                required=False,
                initial=recorded.status if recorded else "",
            )
            self.fields[f"minutes_{pk}"] = forms.IntegerField(
                label=_("Minutes"), min_value=0, required=False, initial=recorded.minutes if recorded else None
            )
            self.fields[f"excuse_{pk}"] = forms.CharField(
                label=_("Reason for the excuse"),
                max_length=TEXT_MAX_LENGTH,
                required=False,
                initial=recorded.excuse if recorded else "",
            )

    def rows(self) -> list[dict]:
        """The people given a status, as rows for ``actions.record_attendance``."""
        out = []
        for row in self.people:
            pk = row["supervisee"].pk
            status = self.cleaned_data.get(f"status_{pk}")
            if status:
                out.append(
                    {
                        "supervisee": row["supervisee"],
                        "status": status,
                        "minutes": self.cleaned_data.get(f"minutes_{pk}"),
                        "excuse": self.cleaned_data.get(f"excuse_{pk}") or "",
                    }
                )
        return out

    def lines(self):
        """(label, status field, minutes field, excuse field) per person, for the template."""
        for row in self.people:
            pk = row["supervisee"].pk
            yield row["label"], self[f"status_{pk}"], self[f"minutes_{pk}"], self[f"excuse_{pk}"]
