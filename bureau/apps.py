from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BureauConfig(AppConfig):
    name = "bureau"
    verbose_name = _("Bureau")

    def ready(self) -> None:
        from bureau import policies

        policies.register()
