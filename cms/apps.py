from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Outreach site")

    def ready(self) -> None:
        from cms import policies, signals

        policies.register()

        signals.connect()
