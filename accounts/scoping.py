"""The policy registry: one door for who sees and does what. It knows no app.

Each app describes, in its ``policies.py``, one policy per model it owns and registers it in
its ``AppConfig.ready()``. A policy answers four questions:

- ``queryset(user, verb)``: which rows the user may see ("view") or act on with a verb
  ("manage", "coordinate", ...). ``scope(user, Model, verb)`` is the short form, and every
  list, detail, export, feed and search starts from it.
- ``fields(user, obj)``: which fields of a row the user may see.
- ``can(user, verb, obj)``: whether the user may do a verb to a row (``obj`` None: to the
  model at all, for example open its list).
- ``audience(event)``: who should be told about an event on a row.

A policy subclasses :class:`BasePolicy` and writes each rule once, as a method:
``rows_<verb>(user)`` for a queryset and ``allow_<verb>(user, obj)`` for a yes/no question.
A verb with rows but no ``allow_`` method is allowed on exactly the rows ``rows_<verb>`` returns.
The docstrings of these methods are the rules' text in ``docs/visibility.md``, which
``manage.py visibility_doc`` generates from this registry.

A model in ``settings.PERSONAL_DATA_MODELS`` without a policy is a system-check error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    UserLike = AbstractBaseUser | AnonymousUser
else:
    UserLike = Any

ModelRef = type[Model] | str


class PolicyError(LookupError):
    """A model has no registered policy, or a policy does not know a verb."""


@runtime_checkable
class Policy(Protocol):  # pragma: no mutate block  (a runtime-checked protocol: no mutant attributes on it)
    model: type[Model]

    def queryset(self, user: UserLike, verb: str = "view") -> QuerySet[Any]: ...

    def fields(self, user: UserLike, obj: Model) -> frozenset[str]: ...

    def can(self, user: UserLike, verb: str, obj: Model | None = None) -> bool: ...

    def audience(self, event: Any) -> Iterable[Any]: ...


class BasePolicy:
    """Dispatches ``queryset`` to ``rows_<verb>`` and ``can`` to ``allow_<verb>`` (or to the rows)."""

    model: ClassVar[type[Model]]
    # Named field sets the policy uses (for the auditor's page): {"title": frozenset(fields)}.
    field_tables: ClassVar[Mapping[str, frozenset[str]]] = {}

    def queryset(self, user: UserLike, verb: str = "view") -> QuerySet[Any]:
        method: Callable[[UserLike], QuerySet[Any]] | None = getattr(self, f"rows_{verb}", None)
        if method is None:
            raise PolicyError(f"{self.model._meta.label} has no rows for the verb {verb!r}")
        rows = method(user)
        for row_filter in _row_filters:
            rows = row_filter(self, user, rows, verb)
        return rows

    def can(self, user: UserLike, verb: str, obj: Model | None = None) -> bool:
        if isinstance(obj, Model) and any(veto(self, user, verb, obj) for veto in _vetoes):
            return False
        method: Callable[[UserLike, Model | None], bool] | None = getattr(self, f"allow_{verb}", None)
        if method is not None:
            return bool(method(user, obj))
        if obj is None or not hasattr(self, f"rows_{verb}"):
            raise PolicyError(
                f"{self.model._meta.label} cannot answer {verb!r}" + (" without a row" if obj is None else "")
            )
        return self.queryset(user, verb).filter(pk=obj.pk).exists()

    def fields(self, user: UserLike, obj: Model) -> frozenset[str]:
        """Every concrete field, unless the policy says less."""
        return frozenset(f.name for f in self.model._meta.concrete_fields)

    def audience(self, event: Any) -> Iterable[Any]:
        """Nobody, unless the policy says who."""
        return ()


_registry: dict[type[Model], Policy] = {}
# Filters every policy's rows pass through, whatever the verb (an app registers one in its ready(): the
# sealing of juvenile records hides a sealed case from every scoped selector this way).
RowFilter = Callable[[Any, UserLike, QuerySet[Any], str], QuerySet[Any]]
_row_filters: list[RowFilter] = []


# Vetoes every policy's answer about a row passes through first (``veto(policy, user, verb, obj)`` True refuses,
# whatever ``allow_<verb>`` says): a sealed juvenile record is never written, even by the one who opened it.
Veto = Callable[[Any, UserLike, str, Model], bool]
_vetoes: list[Veto] = []


def add_veto(veto: Veto) -> None:
    """Refuse ``can(user, verb, obj)`` for every policy whenever ``veto(policy, user, verb, obj)`` is True (once)."""
    if veto not in _vetoes:
        _vetoes.append(veto)


def add_row_filter(row_filter: RowFilter) -> None:
    """Pass the rows of every policy (``rows_<verb>``) through ``row_filter(policy, user, rows, verb)`` (once)."""
    if row_filter not in _row_filters:
        _row_filters.append(row_filter)


def _resolve(model: ModelRef) -> type[Model]:
    if isinstance(model, str):
        return apps.get_model(model)
    return model


def register(model: ModelRef, policy: Policy) -> Policy:
    """Register the policy of a model (once; a second policy for the same model is refused)."""
    model = _resolve(model)
    if not isinstance(policy, Policy):
        raise TypeError(f"{policy!r} does not implement the Policy protocol")
    existing = _registry.get(model)
    if existing is not None and existing is not policy:
        raise PolicyError(f"{model._meta.label} already has a policy: {type(existing).__name__}")
    _registry[model] = policy
    return policy


def unregister(model: ModelRef) -> None:
    """Remove a model's policy (tests only)."""
    _registry.pop(_resolve(model), None)


def policy_for(model: ModelRef | Model) -> Policy:
    """The policy of a model class, label ("app.Model") or instance; unknown models are refused."""
    if isinstance(model, Model):
        model = type(model)
    model = _resolve(model)
    try:
        return _registry[model]
    except KeyError:
        # A proxy or subclass answers with its concrete model's policy.
        concrete = model._meta.concrete_model
        if concrete is not None and concrete in _registry:
            return _registry[concrete]
        raise PolicyError(f"{model._meta.label} has no registered policy") from None


def scope(user: UserLike, model: ModelRef, verb: str = "view") -> QuerySet[Any]:
    """The rows of ``model`` the user may see (or act on with ``verb``). Every read starts here.

    ``user`` None stands for an anonymous visitor (public rows such as the directory).
    """
    return policy_for(model).queryset(user, verb)


def can(user: UserLike, verb: str, target: ModelRef | Model) -> bool:
    """May the user do ``verb`` to a row (an instance) or to the model at all (a class or label)?"""
    if isinstance(target, Model):
        return policy_for(target).can(user, verb, target)
    return policy_for(target).can(user, verb, None)


def fields(user: UserLike, obj: Model) -> frozenset[str]:
    """The fields of ``obj`` the user may see."""
    return policy_for(obj).fields(user, obj)


def registered() -> dict[type[Model], Policy]:
    """Every registered policy by model (a copy), for the docs generator and the checks."""
    return dict(_registry)


@checks.register(checks.Tags.security)
def check_personal_data_policies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Error when a model declared as personal data (settings.PERSONAL_DATA_MODELS) has no policy."""
    errors: list[checks.CheckMessage] = []
    for label in getattr(settings, "PERSONAL_DATA_MODELS", ()):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            errors.append(
                checks.Error(f"PERSONAL_DATA_MODELS names {label!r}, which is not a model.", id="accounts.E010")
            )
            continue
        if model not in _registry:
            errors.append(
                checks.Error(
                    f"{model._meta.label} holds personal data but has no scoping policy.",
                    hint="Register one in the owning app's policies.py (accounts.scoping.register).",
                    obj=model,
                    id="accounts.E011",
                )
            )
    return errors
