from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

# The tables the dashboards and reports count (bureau.figures): a committed write to any of them drops the
# cached figures.
COUNTED_MODELS = (
    "coordination.Supervisee",
    "coordination.Need",
    "coordination.Referral",
    "coordination.ReferralEvent",
    "supervision.StatusChange",
    "supervision.Obligation",
    "supervision.LostContactEpisode",
    "supervision.CheckIn",
    "supervision.MovementRequest",
    "supervision.SanctionProposal",
    "supervision.Session",
    "supervision.Attendance",
    "volunteers.HourLog",
    "volunteers.Volunteer",
    "bureau.BudgetLine",
    "bureau.Expenditure",
    "services.ServiceCategory",
)


class BureauConfig(AppConfig):
    name = "bureau"
    verbose_name = _("Bureau")

    def ready(self) -> None:
        from django.apps import apps

        from bureau import figures, policies

        policies.register()
        policies.register_reports()
        for label in COUNTED_MODELS:
            model = apps.get_model(label)
            post_save.connect(figures.flush, sender=model, dispatch_uid=f"figures-{label}-save")
            post_delete.connect(figures.flush, sender=model, dispatch_uid=f"figures-{label}-delete")
