from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import security

        user_logged_in.connect(security.note_second_factor_on_login, dispatch_uid="accounts.second_factor")

        from accounts import policies, scoping  # noqa: F401  (scoping registers its system check)

        policies.register()
