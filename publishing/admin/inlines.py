"""Publishing inlines shown on the product form (catalog admin includes them)."""

from django.contrib import admin

from ..models import Completeness, Publication, TextOverride


class PublicationInline(admin.TabularInline):
    model = Publication
    extra = 0
    fields = ("channel", "is_published", "publish_from", "publish_until", "blocked_reason", "last_published_at")
    readonly_fields = ("blocked_reason", "last_published_at")


class TextOverrideInline(admin.TabularInline):
    model = TextOverride
    extra = 0


class CompletenessInline(admin.TabularInline):
    model = Completeness
    extra = 0
    can_delete = False
    fields = ("channel", "language_code", "score", "missing")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


PRODUCT_INLINES = [PublicationInline, CompletenessInline, TextOverrideInline]
