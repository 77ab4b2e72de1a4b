"""The product admin: language tabs, a list with per-language translation
state and completeness, Unicode search, and the inlines of the product."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableAdmin
from parler.forms import TranslatableModelForm

from publishing.admin.actions import PERMISSION as PUBLISH_PERMISSION
from publishing.admin.actions import PRODUCT_ACTIONS
from publishing.admin.inlines import COMPLETENESS_PREFETCH, PRODUCT_INLINES, completeness_column, warn_held_publications
from publishing.completeness import TEXT_REQUIREMENTS, describe_missing
from publishing.documents import is_blank

from ..families import missing_required_attributes
from ..images import smallest_rendition
from ..models import Category, Family, Product, ReviewEvent
from ..models.products import TRANSLATED_PRODUCT_FIELDS
from ..permissions import is_language_limited
from ..workflow import after_edit
from .bulk import BulkEditMixin
from .choices import CategorySubtreeFilter, TranslatedRelatedFilter
from .inlines import CATALOG_PRODUCT_INLINES
from .translator_limits import LanguageLimitedForm, TranslatorLimitsMixin
from .workflow import WorkflowAdminMixin, conflict_rows


# A language's translation is done when it has every text the channels'
# completeness requires (name, short and long description); blank markup
# ("<p> </p>") counts as empty there and here.
BLANK_TEXT = r"^(\s|&nbsp;|<[^>]*>)*$"


def missing_texts(product):
    """{language: [required text fields still empty]} for every configured
    language, from the prefetched translations."""
    rows = {t.language_code: t for t in product.translations.all()}
    return {
        code: [name for name in TEXT_REQUIREMENTS if is_blank(getattr(rows.get(code), name, ""))]
        for code in settings.LANGUAGE_CODES
    }


class TranslationMissingFilter(admin.SimpleListFilter):
    title = _("translation missing")
    parameter_name = "missing_language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        language = self.value()
        if language not in settings.LANGUAGE_CODES:
            return queryset
        done = Product._parler_meta.root_model.objects.filter(master=OuterRef("pk"), language_code=language)
        for name in TEXT_REQUIREMENTS:
            done = done.exclude(**{f"{name}__regex": BLANK_TEXT})
        return queryset.filter(~Exists(done))


class ProductAdminForm(LanguageLimitedForm, TranslatableModelForm):
    """The product row and the texts of one language tab; refuses to save
    over a newer version than the one the editor opened."""

    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    unchecked_fields = ("loaded_version",)

    class Meta:
        model = Product
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if loaded is not None and self.instance.pk and loaded != self.instance.version:
            # Both sides shown: what the other editor saved and what this form sends.
            self.conflict = conflict_rows(self, self.instance)
            raise ValidationError(
                _("This product was saved by someone else (version %(current)d) after you opened it "
                  "(version %(loaded)d). Nothing was saved: compare both versions below, then open it "
                  "again and repeat your change.")
                % {"current": self.instance.version, "loaded": loaded},
                code="stale_version",
            )
        return cleaned


@admin.register(Product)
class ProductAdmin(TranslatorLimitsMixin, WorkflowAdminMixin, BulkEditMixin, TranslatableAdmin):
    form = ProductAdminForm
    list_display = ("thumbnail", "sku", "name_column", "brand", "family", "status", "review_state", "languages_column",
                    completeness_column)
    list_display_links = ("sku", "name_column")
    list_filter = (CategorySubtreeFilter, ("brand", admin.RelatedFieldListFilter),
                   ("family", TranslatedRelatedFilter), "status", "review_state", TranslationMissingFilter)
    list_per_page = 50
    search_fields = ("sku",)  # shows the box; get_search_results does the real search
    search_help_text = _("SKU, GTIN, MPN, variant SKU or name in any language.")
    raw_id_fields = ("replacement",)
    filter_horizontal = ("categories",)
    # The review state moves only through the review page (who/when recorded).
    readonly_fields = ("version", "review_state", "last_review_step", "family_overview")
    actions = [*PRODUCT_ACTIONS, "bulk_edit"]
    inlines = [*CATALOG_PRODUCT_INLINES, *PRODUCT_INLINES]
    fieldsets = (
        (None, {"fields": ("sku", "gtin", "mpn", "brand", "family", "categories", "status", "review_state",
                           "last_review_step", "loaded_version")}),
        (_("Texts in this language"), {
            "fields": ("name", "slug", "short_description", "description", "marketing_claims"),
            "description": _("Descriptions accept simple HTML; scripts and event handlers are removed on save."),
        }),
        (_("Family"), {"fields": ("family_overview",)}),
        (_("Availability and shipping"), {
            "fields": ("available_from", "backorder_allowed", "weight_grams", "replacement", "version"),
        }),
    )

    # --- actions ------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Offer only what the user may do: publishing needs its permission
        # (the print team and translators only look), and a language-limited
        # translator changes no language-neutral values, which is all a bulk
        # edit sets. Django runs only listed actions, so this also refuses them.
        if not request.user.has_perm(PUBLISH_PERMISSION):
            for name in ("publish_to_channel", "unpublish_from_channel"):
                actions.pop(name, None)
        if is_language_limited(request.user):
            actions.pop("bulk_edit", None)
        return actions

    # --- querysets --------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name and match.url_name.endswith("_changelist"):
            return queryset.for_changelist().prefetch_related(COMPLETENESS_PREFETCH)
        return queryset.for_change_form()

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            # Lock the row until the save's transaction ends (the admin's
            # change view runs in one): of two simultaneous saves of the same
            # version the second waits, then sees the first's version and is
            # refused as stale instead of overwriting it.
            locked = Product.objects.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
            if locked is not None and locked != obj.version:
                obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._loaded_family_id = obj.family_id
        return obj

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        texts_changed = set(form.changed_data) & set(TRANSLATED_PRODUCT_FIELDS)
        language = getattr(form, "language_code", None) or form.instance.get_current_language()
        after_edit(form.instance, request.user, languages=[language] if texts_changed else [])
        warn_held_publications(request, form.instance)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context.get("adminform").form if context.get("adminform") else None
        context["conflict_rows"] = getattr(form, "conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        # A product moved to another family is offered that family's
        # attributes after saving; its requirements are checked from then on.
        obj._family_changed = "family" in form.changed_data
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "family":
            kwargs["queryset"] = Family.objects.prefetch_related("translations")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            kwargs["queryset"] = Category.objects.order_by("tree_path").prefetch_related("translations")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- list columns -------------------------------------------------------

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        listed = getattr(obj, "listed_images", None)
        if not listed:
            return "—"
        image_file = listed[0].image_file
        rendition = smallest_rendition(image_file)
        url = rendition.file.url if rendition else image_file.file.url
        return format_html('<img src="{}" alt="" style="max-width:48px;max-height:48px" loading="lazy">', url)

    @admin.display(description=_("name"))
    def name_column(self, obj):
        return obj.safe_translation_getter("name", any_language=True) or "—"

    @admin.display(description=_("translations"))
    def languages_column(self, obj):
        done = _("translated: %(fields)s") % {"fields": describe_missing(TEXT_REQUIREMENTS)}
        return format_html_join(
            " ", '<span class="{}" style="{}" title="{}">{}&nbsp;{}</span>',
            (
                ("lang-ok", "color:#2e7d32", done, code, "✓") if not fields
                else ("lang-missing", "color:#ba2121;font-weight:bold",
                      _("translation missing: %(fields)s") % {"fields": describe_missing(fields)}, code, "✗")
                for code, fields in missing_texts(obj).items()
            ),
        )

    # --- form extras --------------------------------------------------------

    @admin.display(description=_("last review step"))
    def last_review_step(self, obj):
        """The latest review step with its comment, so an editor sees on the
        form why a reviewer sent the product back to draft."""
        event = ReviewEvent.objects.filter(product=obj).select_related("user").first() if obj and obj.pk else None
        if event is None:
            return "—"
        style = "color:#ba2121;font-weight:bold" if event.action == ReviewEvent.Action.REJECTED else ""
        return format_html(
            '<span class="review-step review-{}" style="{}">{}</span> · {} · {}{}',
            event.action, style, event.get_action_display(), event.user or "—",
            date_format(localtime(event.created_at), "DATETIME_FORMAT"),
            format_html('<blockquote class="review-comment">{}</blockquote>', linebreaksbr(event.comment))
            if event.comment.strip() else "",
        )

    @admin.display(description=_("family attributes"))
    def family_overview(self, obj):
        if obj is None or not obj.pk or not obj.family_id:
            return _("Choose a family and save to get its attributes.")
        links = list(obj.family.family_attributes.all())
        if not links:
            return _("This family has no attributes.")
        language = obj.get_current_language()
        missing = set(missing_required_attributes(obj, language))
        return format_html_join(
            ", ", '<span style="{}">{}{}</span>',
            (
                ("color:#ba2121;font-weight:bold" if link.attribute.code in missing else "",
                 link.attribute, " *" if link.required else "")
                for link in links
            ),
        )
