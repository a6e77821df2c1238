from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Cases and referrals")

    def ready(self) -> None:
        from coordination import (
            checks,  # noqa: F401  (registers the system checks)
            policies,
        )

        policies.register()
        from accounts import scoping
        from coordination.sealing import hide_sealed, refuse_sealed_writes

        scoping.add_row_filter(hide_sealed)
        scoping.add_veto(refuse_sealed_writes)
