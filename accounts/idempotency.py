"""Creates that users retry happen once: one mechanism for pages (a hidden one-time token) and the API
(the ``Idempotency-Key`` header).

``once(user=…, endpoint=…, key=…, create=…)`` runs ``create`` and records (user, endpoint, key) →
the object it made, in one transaction. A repeat with the same key within a day returns that first
object without a second write; two concurrent tries are serialised by the unique constraint (the
second waits for the first to commit, then reads its result). A create that fails records nothing,
so the user can correct the input and send the same key again.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.apps import apps
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import IdempotencyKey

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=Model)
TTL = dt.timedelta(days=1)
HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
_VALID = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
INVALID_MESSAGE = _("An idempotency key is 8 to 100 letters, digits, '-', '_', '.' or ':'.")


def valid_key(key: str) -> bool:
    return bool(_VALID.match(key))


def once(*, user: User, endpoint: str, key: str | None, create: Callable[[], M]) -> tuple[M, bool]:
    """Run ``create`` once per (user, endpoint, key) a day; returns (object, created). No key: always create."""
    if not key:
        return create(), True
    with transaction.atomic():
        IdempotencyKey.objects.filter(
            user=user, endpoint=endpoint, key=key, created_at__lt=timezone.now() - TTL
        ).delete()
        record, made = IdempotencyKey.objects.get_or_create(user=user, endpoint=endpoint, key=key)
        if not made and record.result_model:
            first = apps.get_model(record.result_model)._default_manager.filter(pk=record.result_pk).first()
            if first is not None:
                return first, False
        result = create()
        record.result_model, record.result_pk = result._meta.label, str(result.pk)
        record.save(update_fields=["result_model", "result_pk"])
        return result, True


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than a day (the periodic clean-up); returns how many."""
    return IdempotencyKey.objects.filter(created_at__lt=(now or timezone.now()) - TTL).delete()[0]


class IdempotentFormMixin(forms.Form):
    """A hidden one-time token: a double-click or a resubmitted page creates nothing new."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields[FORM_FIELD].initial = uuid.uuid4().hex

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data.get(FORM_FIELD, "")
        if key and not valid_key(key):
            raise forms.ValidationError(INVALID_MESSAGE)
        return key
