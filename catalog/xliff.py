"""XLIFF 1.2 export and import of product texts, one target language per file.

Each unit carries the source text and its digest; an import refuses a file
whose source text changed since it was exported, so a translation agency
never overwrites newer work with a translation of old text. Texts travel as
plain text: a target with inline markup (``<g>``, ``<x/>``, ``<ph>`` …) is
refused rather than flattened, and an empty target leaves the text alone.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree as ET

from .models import Product
from .translation_workflow import TRACKED_FIELDS, confirm, source_language

NS = "urn:oasis:names:tc:xliff:document:1.2"
# lxml, not ElementTree: ElementTree keeps prefixes in one process-wide map
# that other libraries (PDF metadata writers) overwrite.
_PARSER = ET.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class XliffError(Exception):
    """The file cannot be imported; nothing was changed."""


def _hash(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def export_xliff(language, products=None):
    """The XLIFF document (bytes) with every product's texts from the source language into ``language``."""
    source = source_language()
    products = products if products is not None else Product.objects.prefetch_related("translations").order_by("sku")
    root = ET.Element(f"{{{NS}}}xliff", nsmap={None: NS}, version="1.2")
    document = ET.SubElement(root, f"{{{NS}}}file", {
        "original": "products", "datatype": "plaintext", "source-language": source, "target-language": language,
    })
    body = ET.SubElement(document, f"{{{NS}}}body")
    for product in products:
        texts = {t.language_code: t for t in product.translations.all()}
        original, target = texts.get(source), texts.get(language)
        if original is None:
            continue
        for field in TRACKED_FIELDS:
            source_text = getattr(original, field) or ""
            if not source_text:
                continue
            unit = ET.SubElement(body, f"{{{NS}}}trans-unit", {
                "id": f"{product.sku}/{field}", "resname": field, "extradata": _hash(source_text),
            })
            unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            ET.SubElement(unit, f"{{{NS}}}source").text = source_text
            if target is not None and getattr(target, field):
                ET.SubElement(unit, f"{{{NS}}}target").text = getattr(target, field)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def import_xliff(content, *, user=None):
    """Write the targets of an XLIFF file; returns (language, [changed SKUs]).
    Raises XliffError (and changes nothing) on a stale or malformed file."""
    from .permissions import may_edit_language

    try:
        root = ET.fromstring(content, _PARSER)
    except ET.XMLSyntaxError as exc:
        raise XliffError(_("Not an XLIFF file: %(error)s") % {"error": exc}) from None
    document = root.find(f"{{{NS}}}file")
    if document is None:
        raise XliffError(_("Not an XLIFF 1.2 file."))
    language = document.get("target-language")
    source = document.get("source-language")
    if source != source_language():
        raise XliffError(_("The file translates from %(file)s but texts are written in %(source)s.")
                         % {"file": source, "source": source_language()})
    if language not in settings.LANGUAGE_CODES:
        raise XliffError(_("The file's target language %(language)s is not one of: %(codes)s.")
                         % {"language": language, "codes": ", ".join(settings.LANGUAGE_CODES)})
    if language == source:
        raise XliffError(_("The file translates into %(language)s, the language texts are written in; "
                           "export it for another language.") % {"language": language})
    if user is not None and not may_edit_language(user, language):
        raise XliffError(_("You may not edit texts in this language (%(language)s).") % {"language": language})
    units, marked_up = {}, []
    for unit in document.iter(f"{{{NS}}}trans-unit"):
        sku, _sep, field = unit.get("id", "").rpartition("/")
        target = unit.find(f"{{{NS}}}target")
        if field not in TRACKED_FIELDS or target is None:
            continue
        if len(target):
            marked_up.append(unit.get("id"))
            continue
        if not (target.text or "").strip():
            continue  # not translated yet: the stored text stays
        units.setdefault(sku, []).append((field, unit.get("extradata"), target.text))
    if marked_up:
        raise XliffError(_("Inline markup in targets cannot be imported (texts are plain text): %(units)s. "
                           "Remove the tags and import again.") % {"units": ", ".join(marked_up[:10])})
    products = {p.sku: p for p in Product.objects.filter(sku__in=units).prefetch_related("translations")}
    stale = []
    for sku, rows in units.items():
        product = products.get(sku)
        if product is None:
            raise XliffError(_("Unknown SKU %(sku)s.") % {"sku": sku})
        texts = {t.language_code: t for t in product.translations.all()}
        for field, digest, _text in rows:
            current = getattr(texts.get(source), field, "") or ""
            if _hash(current) != digest:
                stale.append(f"{sku}/{field}")
    if stale:
        raise XliffError(_("The source text changed since export: %(units)s. Export again.")
                         % {"units": ", ".join(stale[:10])})
    changed = []
    with transaction.atomic():
        for sku, rows in units.items():
            product = products[sku]
            product.set_current_language(language)
            dirty = False
            for field, _digest, text in rows:
                if (product.safe_translation_getter(field, language_code=language) or "") != text:
                    setattr(product, field, text)
                    dirty = True
            if dirty:
                if not product.safe_translation_getter("slug", language_code=language):
                    from django.utils.text import slugify

                    product.slug = slugify(product.name, allow_unicode=True) or product.sku.lower()
                product.save()
                changed.append(sku)
            confirm(product, language)
    if changed:
        from .workflow import after_edit

        after_edit(list(Product.objects.filter(sku__in=changed)), user)
    return language, changed
