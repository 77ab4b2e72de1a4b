"""Publishing inlines and a list column for the product admin (the catalog
admin includes them): publications with their windows, completeness per
channel and language, and per-channel text overrides.

Ticking "published" on a channel (or setting a window) publishes the product
when the form is saved, as soon as it passes the channel's gates; otherwise
the publication shows why it is held back, and ``warn_held_publications``
tells the editor at once after the save.
"""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..completeness import describe_missing
from ..models import Completeness, Publication, TextOverride
from ..services import held_publications


class PublicationInline(admin.TabularInline):
    model = Publication
    extra = 0
    fields = ("channel", "is_published", "publish_from", "publish_until", "held_flag", "last_published_at")
    readonly_fields = ("held_flag", "last_published_at")
    verbose_name_plural = _("publication on channels")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel")

    @admin.display(description=_("held back because"))
    def held_flag(self, obj):
        if not obj or not obj.blocked_reason:
            return "—"
        return format_html('<span style="color:#ba2121">⚠ {}</span>', obj.blocked_reason)


def warn_held_publications(request, product):
    """After the product form is saved: one warning per channel where the
    product is wanted but held back, naming what is missing per language."""
    for channel, note in held_publications(product):
        messages.warning(request, gettext("Not published on %(channel)s: %(reason)s") % {
            "channel": channel.code, "reason": note,
        })


class TextOverrideInline(admin.TabularInline):
    model = TextOverride
    extra = 0
    fields = ("channel", "language_code", "field", "value")
    verbose_name_plural = _("texts overridden per channel and language")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel")


class CompletenessInline(admin.TabularInline):
    model = Completeness
    extra = 0
    can_delete = False
    fields = ("channel", "language_code", "score_bar", "missing_text", "computed_at")
    readonly_fields = fields
    verbose_name_plural = _("completeness per channel and language")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel").order_by("channel__code", "language_code")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("score"))
    def score_bar(self, obj):
        colour = "#2e7d32" if obj.score == 100 else ("#ef6c00" if obj.score >= 60 else "#ba2121")
        return format_html('<strong style="color:{}">{}%</strong>', colour, obj.score)

    @admin.display(description=_("missing"))
    def missing_text(self, obj):
        return describe_missing(obj.missing) or "—"


PRODUCT_INLINES = [PublicationInline, CompletenessInline, TextOverrideInline]

# For the product change list: add ``completeness_column`` to list_display
# and ``COMPLETENESS_PREFETCH`` to the change list queryset.
COMPLETENESS_PREFETCH = Prefetch(
    "completeness", queryset=Completeness.objects.select_related("channel").order_by("channel__code"),
)


@admin.display(description=_("completeness"))
def completeness_column(product):
    """"web 100% · app 83%": the lowest score per channel, over its languages."""
    lowest = {}
    for row in product.completeness.all():
        code = row.channel.code
        lowest[code] = min(lowest.get(code, 100), row.score)
    if not lowest:
        return "—"
    return format_html_join(
        " · ", '<span style="color:{}">{} {}%</span>',
        ((("#2e7d32" if score == 100 else "#ba2121"), code, score) for code, score in sorted(lowest.items())),
    )
