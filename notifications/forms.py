"""The preferences form: parses only; ``actions.set_preferences`` writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification

Channel = Notification.Channel
MUTABLE_CHANNELS = [Channel.EMAIL, Channel.SMS]


class PreferenceForm(forms.Form):
    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False, help_text=_("For example 22:00"))
    quiet_end = forms.TimeField(label=_("Quiet hours until"), required=False, help_text=_("For example 07:30"))

    def __init__(self, *args, muted: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        muted = set(muted or [])
        for kind, kind_label in Notification.Kind.choices:
            for channel in MUTABLE_CHANNELS:
                name = f"{kind}:{channel}"
                self.fields[name] = forms.BooleanField(
                    label=f"{kind_label} · {channel.label}", required=False, initial=name not in muted
                )

    def clean(self):
        data = super().clean()
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        return data

    def channel_fields(self):
        return [self[name] for name in self.fields if ":" in name]

    def muted(self) -> list[str]:
        return [name for name in self.fields if ":" in name and not self.cleaned_data.get(name)]
