"""The Django admin (superusers only): the access log can be browsed, never changed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coordination.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "username", "action", "object_type", "object_id", "purpose"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "created_at"
    # The person by case number, never by name (a sealed record stays unnamed here too; CPL Art. 286).
    exclude = ["supervisee"]
    readonly_fields = ["case_number"]

    @admin.display(description=_("case number"))
    def case_number(self, obj: AccessLog) -> str:
        return obj.supervisee.case_number if obj.supervisee_id else "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
