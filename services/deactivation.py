"""The bureau's page to deactivate a provider: list its open referrals, choose what happens to them, confirm.

The form only parses; ``services.actions.deactivate_organisation`` does the work.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import roles, scoping
from services import actions
from services.models import Organisation, ServiceOffering


class DeactivateForm(forms.Form):
    open_referrals = forms.ChoiceField(
        label=gettext_lazy("Open referrals"),
        choices=[
            (actions.Disposition.WITHDRAW, gettext_lazy("Withdraw them (the case staff see the reason)")),
            (actions.Disposition.REASSIGN, gettext_lazy("Move them to another service of the same category")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)

    def __init__(self, *args, offerings: list[ServiceOffering], **kwargs):
        super().__init__(*args, **kwargs)
        self.offerings = offerings
        for offering in offerings:
            self.fields[f"reassign_{offering.pk}"] = forms.ModelChoiceField(
                label=offering.name,
                queryset=scoping.scope(None, ServiceOffering)
                .filter(category_id=offering.category_id)
                .exclude(organisation_id=offering.organisation_id)
                .select_related("organisation"),
                required=False,
            )

    def reassign_to(self) -> dict[int, ServiceOffering]:
        found = {o.pk: self.cleaned_data.get(f"reassign_{o.pk}") for o in self.offerings}
        return {pk: target for pk, target in found.items() if target is not None}

    def reassign_fields(self):
        return [self[f"reassign_{o.pk}"] for o in self.offerings]


@require_http_methods(["GET", "POST"])
@login_required
def deactivate(request: HttpRequest, uuid) -> HttpResponse:
    if not roles.is_bureau_admin(request.user):
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, uuid=uuid)
    referrals = list(actions.open_referrals_of(organisation))
    offerings = list({r.offering_id: r.offering for r in referrals}.values())
    form = DeactivateForm(request.POST or None, offerings=offerings)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = actions.deactivate_organisation(
                    organisation=organisation,
                    actor=request.user,
                    disposition=form.cleaned_data["open_referrals"],
                    reason=form.cleaned_data["reason"],
                    reassign_to=form.reassign_to(),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("%(org)s is inactive: %(n)d open referrals ended, %(m)d moved, %(o)d services deactivated.")
                    % {
                        "org": organisation.name,
                        "n": done["withdrawn"],
                        "m": done["reassigned"],
                        "o": done["offerings"],
                    },
                )
                return redirect("provider-deactivate", uuid=organisation.uuid)
        status = 400
    return render(
        request,
        "services/deactivate.html",
        {"organisation": organisation, "referrals": referrals, "form": form},
        status=status,
    )


urlpatterns = [path("<uuid:uuid>/deactivate/", deactivate, name="provider-deactivate")]
