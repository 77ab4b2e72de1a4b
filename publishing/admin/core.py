"""Admin of the publishing core: channels, the completeness overview, and
read-only lists of publications, completeness and snapshots."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..completeness import describe_missing
from ..feed import webhooks
from ..models import Channel, ChannelLanguage, Completeness, ProductSnapshot, Publication


class ChannelForm(forms.ModelForm):
    """The channel form: a webhook endpoint is checked when it is saved
    (https, public addresses only), so the editor sees a refusal at once
    instead of a failed delivery later. The admin adds the model and fields
    (and its https default for URLs typed without a scheme)."""

    def clean_webhook_url(self):
        url = self.cleaned_data.get("webhook_url")
        if url and "webhook_url" in self.changed_data:
            webhooks.validate_endpoint(url)
        return url


class ChannelLanguageInline(admin.TabularInline):
    model = ChannelLanguage
    extra = 0
    fields = ("language_code", "fallback_allowed", "position")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the publishing services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ("code", "name", "kind", "audience", "price_list", "language_list", "requires_complete",
                    "requires_approval", "is_active", "completeness_link")
    list_filter = ("kind", "audience", "is_active")
    search_fields = ("code", "name")
    inlines = [ChannelLanguageInline]
    filter_horizontal = ("categories", "required_attributes", "hidden_attributes")
    # A catalog of 100 000 products does not fit a two-box widget.
    raw_id_fields = ("products",)
    # Webhook endpoints typed without a scheme are HTTPS (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "audience", "is_active")}),
        (_("Prices"), {"fields": ("currency", "price_list")}),
        (_("Assortment"), {
            "fields": ("categories", "products"),
            "description": _("Chosen categories (with their subcategories) and chosen products; "
                             "both empty means the whole catalog."),
        }),
        (_("Requirements"), {"fields": ("requires_complete", "requires_approval", "required_attributes",
                                        "hidden_attributes")}),
        (_("Marketplace and feed"), {"fields": ("feed_label", "rate_limit", "webhook_url", "webhook_secret")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("price_list").prefetch_related(
            "languages", "price_list__translations",
        )

    @admin.display(description=_("languages"))
    def language_list(self, obj):
        return ", ".join(
            lang.language_code + ("" if lang.fallback_allowed else "!") for lang in obj.languages.all()
        )

    @admin.display(description=_("completeness"))
    def completeness_link(self, obj):
        url = reverse("admin:publishing_channel_completeness")
        return format_html('<a href="{}#channel-{}">{}</a>', url, obj.code, _("overview"))

    def get_urls(self):
        return [
            path(
                "completeness/",
                self.admin_site.admin_view(self.completeness_view),
                name="publishing_channel_completeness",
            ),
        ] + super().get_urls()

    def completeness_view(self, request):
        """Channel × language: how many products are complete / incomplete."""
        counts = {
            (row["channel_id"], row["language_code"]): row
            for row in Completeness.objects.values("channel_id", "language_code").annotate(
                complete=Count("id", filter=Q(score=100)),
                incomplete=Count("id", filter=Q(score__lt=100)),
            ).order_by()
        }
        languages = [code for code, _name in settings.LANGUAGES]
        list_url = reverse("admin:publishing_completeness_changelist")
        rows = []
        for channel in Channel.objects.prefetch_related("languages"):
            published = set(channel.language_codes)
            cells = []
            for language in languages:
                row = counts.get((channel.pk, language))
                query = f"?channel__id__exact={channel.pk}&language_code__exact={language}"
                cells.append({
                    "language": language,
                    "active": language in published,
                    "complete": row["complete"] if row else 0,
                    "incomplete": row["incomplete"] if row else 0,
                    "complete_url": list_url + query + "&state=complete",
                    "incomplete_url": list_url + query + "&state=incomplete",
                })
            rows.append({"channel": channel, "cells": cells})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Completeness by channel and language"),
            "languages": languages,
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/publishing/channel/completeness_overview.html", context)


class CompleteFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("complete", _("Complete")), ("incomplete", _("Incomplete")))

    def queryset(self, request, queryset):
        if self.value() == "complete":
            return queryset.filter(score=100)
        if self.value() == "incomplete":
            return queryset.filter(score__lt=100)
        return queryset


@admin.register(Completeness)
class CompletenessAdmin(ReadOnlyAdmin):
    list_display = ("product", "channel", "language_code", "score", "missing_text", "computed_at")
    list_filter = (CompleteFilter, "channel", "language_code")
    search_fields = ("product__sku",)
    list_select_related = ("product", "channel")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("product__translations")

    @admin.display(description=_("missing"))
    def missing_text(self, obj):
        return describe_missing(obj.missing)


class BlockedFilter(admin.SimpleListFilter):
    title = _("held back")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(blocked_reason="")
        if self.value() == "no":
            return queryset.filter(blocked_reason="")
        return queryset


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("product", "channel", "is_published", "publish_from", "publish_until", "held_flag",
                    "last_published_at")
    list_filter = ("channel", "is_published", BlockedFilter)
    search_fields = ("product__sku",)
    list_select_related = ("product", "channel")
    date_hierarchy = "last_published_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("product__translations")

    @admin.display(description=_("held back because"))
    def held_flag(self, obj):
        if not obj.blocked_reason:
            return ""
        return format_html('<span style="color:#ba2121">⚠ {}</span>', obj.blocked_reason)


@admin.register(ProductSnapshot)
class ProductSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("sku", "channel", "locale", "seq", "deleted", "pending", "version", "updated_at")
    list_filter = ("channel", "locale", "deleted", "pending")
    search_fields = ("sku",)
    list_select_related = ("channel",)
    fields = ("channel", "product", "sku", "locale", "seq", "pending", "deleted", "version", "updated_at",
              "content_hash", "document_json")
    readonly_fields = fields
    show_full_result_count = False  # counting 500 000 rows on every page is wasted time

    @admin.display(description=_("document"))
    def document_json(self, obj):
        text = json.dumps(obj.document, ensure_ascii=False, indent=2)
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', text)
