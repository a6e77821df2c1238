"""The bureau adds template versions in the Django admin; a version that has issued documents is read-only,
and issued documents are never edited here (the register and the actions do that)."""

from django.contrib import admin

from records.models import DocumentTemplate, IssuedDocument, OfficeCode


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "title_zh", "effective_from", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and IssuedDocument.objects.filter(template=obj).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not IssuedDocument.objects.filter(template=obj).exists()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(OfficeCode)
class OfficeCodeAdmin(admin.ModelAdmin):
    list_display = ["office", "code"]
