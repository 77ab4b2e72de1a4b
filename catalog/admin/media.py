"""Admin of stored image files: a read-only list with previews, usage counts
and an action that makes the renditions."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..images import ensure_renditions, smallest_rendition
from ..models import ImageFile


@admin.action(description=_("Make the renditions (WebP and JPEG)"))
def make_renditions(modeladmin, request, queryset):
    made = 0
    for image_file in queryset.prefetch_related("renditions"):
        made += len(ensure_renditions(image_file))
    modeladmin.message_user(request, ngettext(
        "%(count)d rendition ready.", "%(count)d renditions ready.", made,
    ) % {"count": made}, messages.SUCCESS)


@admin.register(ImageFile)
class ImageFileAdmin(admin.ModelAdmin):
    list_display = ("preview", "sha_short", "width", "height", "format", "size_bytes", "usage_count", "created_at")
    list_filter = ("format",)
    search_fields = ("sha256",)
    readonly_fields = ("preview", "sha256", "file", "width", "height", "format", "size_bytes", "created_at")
    fields = readonly_fields
    actions = [make_renditions]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions").annotate(usage=Count("usages"))

    def has_add_permission(self, request):
        return False  # images come in through the product form, the API or an import

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("preview"))
    def preview(self, obj):
        rendition = smallest_rendition(obj)
        url = rendition.file.url if rendition else obj.file.url
        return format_html('<img src="{}" alt="" style="max-width:96px;max-height:96px" loading="lazy">', url)

    @admin.display(description=_("content hash"))
    def sha_short(self, obj):
        return obj.sha256[:12]

    @admin.display(description=_("used by"), ordering="usage")
    def usage_count(self, obj):
        return obj.usage
