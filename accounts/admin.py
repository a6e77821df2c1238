"""The Django admin is for superusers only (operations); staff work in the workbench and Wagtail."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import HealthReport, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "email", "phone")


@admin.register(HealthReport)
class HealthReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "ok")
    readonly_fields = ("created_at", "ok", "summary")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.site_header = _("Community Corrections Coordination Platform: operations")
