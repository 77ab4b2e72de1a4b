"""Admin of campaign brochures: translations, products, QR short links with scan counts, print/screen renders.

The change page has one "Render print PDF" and one "Render screen PDF"
button per language; each starts a ``render_brochure`` job and opens its live
progress page. The changelist has the same as actions over every language.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableAdmin

import publishing.pdf.brochure_jobs  # noqa: F401  (registers the render_brochure job kind; admin loads in every process)
from publishing.campaigns import short_url
from publishing.jobs import start_job
from publishing.models import Artifact, Brochure, BrochureItem, ShortLink

from .jobs import artifact_download_url, message_job_started

VARIANT_LABELS = {"print": _("Render print PDF"), "screen": _("Render screen PDF")}


class BrochureItemInline(admin.TabularInline):
    model = BrochureItem
    extra = 0
    fields = ("product", "position")
    autocomplete_fields = ("product",)
    ordering = ("position", "pk")


class ShortLinkInline(admin.TabularInline):
    """The QR codes printed so far: written by the renderer, never edited (paper carries them)."""

    model = ShortLink
    extra = 0
    fields = ("code", "sku", "language_code", "link", "scan_count", "retired_at")
    readonly_fields = fields
    ordering = ("sku", "language_code")
    verbose_name_plural = _("QR short links")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("short URL"))
    def link(self, obj):
        return short_url(obj) if obj.pk else ""


def start_brochure_job(request, brochure, locale, variant):
    job = start_job("render_brochure", {"code": brochure.code, "locale": locale, "variant": variant},
                    user=request.user)
    message_job_started(request, job)
    return job


@admin.register(Brochure)
class BrochureAdmin(TranslatableAdmin):
    list_display = ("code", "title_display", "channel", "page_size", "language_list", "valid_from", "valid_until",
                    "product_count", "scans")
    list_filter = ("channel", "page_size")
    search_fields = ("code", "translations__title")
    list_select_related = ("channel",)
    inlines = [BrochureItemInline, ShortLinkInline]
    readonly_fields = ("render_buttons", "rendered_files")
    actions = ("render_print_all", "render_screen_all")
    fieldsets = (
        (None, {"fields": ("code", "title", "banner", "channel", "languages", "valid_from", "valid_until",
                           "promo_code")}),
        (_("Print"), {"fields": ("page_size", "typeface", "primary_color", "primary_cmyk", "accent_color",
                                 "accent_cmyk", "crop_marks")}),
        (_("Render"), {"fields": ("render_buttons", "rendered_files")}),
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .prefetch_related("translations", "channel__languages")
            # Subqueries: two joined aggregates would multiply each other.
            .annotate(
                _product_count=Subquery(
                    BrochureItem.objects.filter(brochure=OuterRef("pk")).order_by()
                    .values("brochure").annotate(n=Count("pk")).values("n")[:1],
                ),
                _scans=Subquery(
                    ShortLink.objects.filter(brochure=OuterRef("pk")).order_by()
                    .values("brochure").annotate(n=Sum("scan_count")).values("n")[:1],
                ),
            )
        )

    @admin.display(description=_("title"))
    def title_display(self, obj):
        return obj.safe_translation_getter("title", any_language=True) or ""

    @admin.display(description=_("languages"))
    def language_list(self, obj):
        return ", ".join(obj.language_codes)

    @admin.display(description=_("products"), ordering="_product_count")
    def product_count(self, obj):
        return obj._product_count or 0

    @admin.display(description=_("QR scans"), ordering="_scans")
    def scans(self, obj):
        return obj._scans or 0

    # --- rendering -------------------------------------------------------------

    def get_urls(self):
        return [
            path("<int:pk>/render/<str:variant>/<str:locale>/", self.admin_site.admin_view(self.render_view),
                 name="publishing_brochure_render"),
            *super().get_urls(),
        ]

    def render_view(self, request, pk, variant, locale):
        """POST only (the change form's buttons submit here with their CSRF token)."""
        if request.method != "POST" or not request.user.has_perm("publishing.add_job"):
            raise PermissionDenied
        brochure = get_object_or_404(Brochure, pk=pk)
        if variant not in VARIANT_LABELS or locale not in brochure.language_codes:
            messages.error(request, _("Nothing to render for %(variant)s / %(locale)s.") % {
                "variant": variant, "locale": locale})
            return redirect(reverse("admin:publishing_brochure_change", args=[pk]))
        job = start_brochure_job(request, brochure, locale, variant)
        return redirect(reverse("admin:publishing_job_change", args=[job.pk]))

    @admin.display(description=_("Render"))
    def render_buttons(self, obj):
        if obj is None or not obj.pk:
            return _("Save the brochure first.")
        rows = []
        for locale in obj.language_codes:
            buttons = format_html_join(
                " ", '<button type="submit" class="button" formaction="{}" formmethod="post">{} ({})</button>',
                ((reverse("admin:publishing_brochure_render", args=[obj.pk, variant, locale]), label, locale)
                 for variant, label in VARIANT_LABELS.items()),
            )
            rows.append(buttons)
        return format_html_join("", '<div style="margin-bottom:4px">{}</div>', ((row,) for row in rows))

    @admin.display(description=_("Rendered files"))
    def rendered_files(self, obj):
        if obj is None or not obj.pk:
            return "-"
        artifacts = (Artifact.objects.filter(kind="brochure", subject__startswith=f"{obj.code}:")
                     .order_by("-created_at")[:20])
        if not artifacts:
            return _("None yet.")
        return format_html_join(
            "", '<div><a href="{}">{}</a> · {} · {}</div>',
            ((artifact_download_url(a), a.file.name.rsplit("/", 1)[-1], a.locale,
              a.created_at.strftime("%Y-%m-%d %H:%M")) for a in artifacts),
        )

    def _render_all(self, request, queryset, variant):
        if not request.user.has_perm("publishing.add_job"):
            raise PermissionDenied
        for brochure in queryset.select_related("channel").prefetch_related("channel__languages"):
            for locale in brochure.language_codes:
                start_brochure_job(request, brochure, locale, variant)

    @admin.action(description=_("Render print PDF (every language)"))
    def render_print_all(self, request, queryset):
        self._render_all(request, queryset, "print")

    @admin.action(description=_("Render screen PDF (every language)"))
    def render_screen_all(self, request, queryset):
        self._render_all(request, queryset, "screen")
