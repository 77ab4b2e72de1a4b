"""Translation status: translations go outdated when the source-language
text changes, until a translator updates or confirms them; worklists per language."""

import hashlib
import json

from django.conf import settings

from .models import Product, TranslationStatus
from .models.products import TRANSLATED_PRODUCT_FIELDS

# Fields whose change in the source language outdates the translations (slugs are derived).
TRACKED_FIELDS = tuple(field for field in TRANSLATED_PRODUCT_FIELDS if field != "slug")


def source_language():
    """The language texts are written in first: PIM_SOURCE_LANGUAGE, else LANGUAGE_CODE."""
    return getattr(settings, "PIM_SOURCE_LANGUAGE", None) or settings.LANGUAGE_CODE


def source_texts(product):
    """{field: text} of the product in the source language ({} when it has none)."""
    language = source_language()
    for translation in product.translations.all():
        if translation.language_code == language:
            return {field: getattr(translation, field) or "" for field in TRACKED_FIELDS}
    return {}


def digest(texts):
    return hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest() if texts else ""


def source_changed(product):
    """Compare the source texts with what each translation was last synced
    to; a difference marks that translation outdated. Languages that were
    edited now (their own text changed) are left to ``confirm``."""
    product = Product.objects.prefetch_related("translations").get(pk=product.pk)
    current = digest(source_texts(product))
    if not current:
        return []
    source = source_language()
    statuses = {s.language_code: s for s in TranslationStatus.objects.filter(product=product)}
    flagged = []
    for translation in product.translations.all():
        language = translation.language_code
        if language == source:
            continue
        status = statuses.get(language)
        if status is None:
            # First sight: the translation counts as matching today's source.
            TranslationStatus.objects.create(product=product, language_code=language, source_digest=current)
        elif status.source_digest != current and not status.outdated:
            status.outdated = True
            status.save(update_fields=["outdated", "updated_at"])
            flagged.append(language)
    return flagged


def confirm(product, language):
    """The translation in ``language`` is up to date with today's source text."""
    product = Product.objects.prefetch_related("translations").get(pk=product.pk)
    TranslationStatus.objects.update_or_create(
        product=product, language_code=language,
        defaults={"outdated": False, "source_digest": digest(source_texts(product))},
    )


def outdated_languages(product):
    return set(TranslationStatus.objects.filter(product=product, outdated=True).values_list("language_code", flat=True))


def worklist(language):
    """{"missing": [products], "outdated": [products]} for translators of ``language``."""
    base = Product.objects.prefetch_related("translations").order_by("sku")
    source = source_language()
    named = Product._parler_meta.root_model.objects.filter(language_code=language).exclude(name="")
    missing = base.filter(translations__language_code=source).exclude(pk__in=named.values("master_id")).distinct()
    outdated = base.filter(translation_status__language_code=language, translation_status__outdated=True)
    return {"missing": list(missing), "outdated": list(outdated)}
