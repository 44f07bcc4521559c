from django.contrib import admin

from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Delivery status only: message bodies are not shown."""

    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    fields = ["created_at", "subject", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
