"""Admin for the channel feed: API tokens (shown once, revocable) and the webhook delivery log."""

import json

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Importing the webhooks module connects its receiver. The admin is loaded at
# start-up by every process (server, worker, commands), so deliveries are
# recorded wherever snapshots are stamped.
from publishing.feed import webhooks
from publishing.models import ChannelToken, WebhookDelivery


@admin.register(ChannelToken)
class ChannelTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix_display", "channel", "name", "created_at", "last_used_at", "state")
    list_filter = ("channel", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "channel__code")
    list_select_related = ("channel",)
    actions = ["revoke"]
    # The hash is never shown; the prefix is enough to recognise a token.
    fields = ("channel", "name", "prefix_display", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["prefix_display", "created_at", "last_used_at", "revoked_at"]
        if obj is not None:
            readonly.append("channel")
        return readonly

    def get_fields(self, request, obj=None):
        return ("channel", "name") if obj is None else self.fields

    @admin.display(description=_("token"))
    def prefix_display(self, obj):
        return f"{obj.prefix}…" if obj.prefix else "-"

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("revoked") if obj.revoked_at else _("active")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = ChannelToken.issue(obj.channel, name=obj.name)
        # The form's object stands for the issued row, so the admin's
        # redirect and log entry point at it.
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = token.pk, token.prefix, token.key_hash, token.created_at
        obj._state.adding = False
        messages.warning(request, format_html(
            _("New token for channel {channel}: <code>{raw}</code> — copy it now, it is not shown again. "
              "Clients send it as 'Authorization: Token &lt;token&gt;'."),
            channel=obj.channel.code, raw=raw,
        ))

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, ngettext(
            "%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "event", "sku", "locale", "status", "attempts", "response_code",
                    "next_attempt_at", "short_error")
    list_filter = ("status", "channel")
    search_fields = ("payload__sku", "url")
    list_select_related = ("channel",)
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = ("channel", "url", "status", "attempts", "next_attempt_at", "response_code", "delivered_at",
              "created_at", "last_error", "payload_display")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("event"))
    def event(self, obj):
        return obj.payload.get("event")

    @admin.display(description=_("SKU"))
    def sku(self, obj):
        return obj.payload.get("sku")

    @admin.display(description=_("locale"))
    def locale(self, obj):
        return obj.payload.get("locale")

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.display(description=_("payload"))
    def payload_display(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    @admin.action(description=_("Retry selected deliveries now"), permissions=["change"])
    def retry(self, request, queryset):
        count = webhooks.retry_now(queryset)
        self.message_user(request, ngettext(
            "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count) % {"count": count})
