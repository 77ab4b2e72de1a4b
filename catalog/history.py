"""Product history: a whole-product version after every change, a readable
diff between versions, revert to any earlier one, and pruning by age and count.

A version is the write API's product dict plus what that API does not carry
(shipping and availability fields, variant details, images, documents,
relations), so a revert brings back the whole product in one step. Why whole
snapshots and not a row-level history library: docs/ARCHITECTURE.md, "History".
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .models import ProductDocument, ProductHistory, ProductImage, ProductRelation, Variant
from .models.products import Product

# Keys that change on every save without changing the content.
VOLATILE_KEYS = ("version", "updated_at", "review_state")
# Product fields a version holds beyond the write API's dict; a revert writes them itself.
DETAIL_KEYS = ("available_from", "backorder_allowed", "weight_grams", "replacement")
# Variant fields beyond the write API's sku, gtin and axes.
VARIANT_DETAIL_KEYS = ("position", "is_active", "weight_grams")


def _queryset():
    from .api.serializers import api_queryset

    return api_queryset().select_related("replacement").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.select_related("image_file", "variant")
                 .prefetch_related("translations").order_by("position", "pk")),
        Prefetch("documents", queryset=ProductDocument.objects.order_by("language_code", "position", "pk")),
        Prefetch("relations", queryset=ProductRelation.objects.select_related("related")
                 .order_by("kind", "position", "related__sku")),
    )


def snapshot(product, *, prefetched=False):
    """The whole product as a JSON-ready dict: the write API's shape plus
    the fields that API does not write (``DETAIL_KEYS``), variant details,
    images, documents and relations."""
    from .api.serializers import product_representation

    if not prefetched:
        product = _queryset().get(pk=product.pk)
    data = product_representation(product)
    data.update({
        "available_from": product.available_from.isoformat() if product.available_from else None,
        "backorder_allowed": product.backorder_allowed,
        "weight_grams": product.weight_grams,
        "replacement": product.replacement.sku if product.replacement_id else None,
    })
    for row, variant in zip(data["variants"], product.variants.all()):
        row.update(position=variant.position, is_active=variant.is_active, weight_grams=variant.weight_grams)
    data["documents"] = [
        {"file": document.file.name, "language": document.language_code, "kind": document.kind,
         "title": document.title, "position": document.position}
        for document in product.documents.all()
    ]
    data["relations"] = [
        {"related": relation.related.sku, "kind": relation.kind, "position": relation.position}
        for relation in product.relations.all()
    ]
    data["images"] = [
        {"file": image.image_file.sha256, "role": image.role, "position": image.position,
         "variant": image.variant.sku if image.variant_id else None,
         "alt": {t.language_code: t.alt for t in sorted(image.translations.all(), key=lambda t: t.language_code)}}
        for image in product.images.all()
    ]
    return data


def digest_of(data):
    """The content digest of a version; equal digests mean nothing changed."""
    content = {key: value for key, value in data.items() if key not in VOLATILE_KEYS}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def record(product, *, user=None, comment=""):
    """Store the product's current state unless it equals the latest version; returns the version or None."""
    recorded = record_many([product], user=user, comment=comment)
    return recorded[0] if recorded else None


def record_many(products, *, user=None, comment=""):
    """One history version per product that actually changed (a fixed
    number of queries however many products); returns the new versions."""
    ids = [product.pk for product in products]
    if not ids:
        return []
    latest = {}
    for product_id, digest in (ProductHistory.objects.filter(product_id__in=ids)
                               .order_by("product_id", "-created_at", "-pk").values_list("product_id", "digest")):
        latest.setdefault(product_id, digest)
    user = user if getattr(user, "is_authenticated", False) else None
    entries = []
    for product in _queryset().filter(pk__in=ids):
        data = snapshot(product, prefetched=True)
        digest = digest_of(data)
        if latest.get(product.pk) != digest:
            entries.append(ProductHistory(product=product, version=data["version"], data=data, digest=digest,
                                          user=user, comment=comment[:255]))
    return ProductHistory.objects.bulk_create(entries)


def _flatten(data, prefix=""):
    """{"name[fi]": "…", "attr:power": "…", "price:retail": "…", "image:1": "…"} for diffing."""
    flat = {}
    for key in ("sku", "gtin", "mpn", "brand", "family", "status", *DETAIL_KEYS):
        flat[key] = data.get(key)
    flat["categories"] = ", ".join(data.get("categories") or [])
    for language, texts in (data.get("translations") or {}).items():
        for field, value in texts.items():
            flat[f"{field}[{language}]"] = value
    for row in data.get("attributes") or []:
        key = f"attr:{row['code']}" + (f"[{row['locale']}]" if row.get("locale") else "")
        flat[key] = row.get("value")
    for row in data.get("variants") or []:
        flat[f"variant:{row['sku']}"] = f"{row.get('gtin') or ''} {row.get('axes') or ''}".strip()
        for key in VARIANT_DETAIL_KEYS:
            if key in row:
                flat[f"variant:{row['sku']}.{key}"] = row[key]
    for row in data.get("prices") or []:
        key = f"price:{row['price_list']}" + (f"/{row['variant']}" if row.get("variant") else "")
        key += f" {row['valid_from']}" if row.get("valid_from") else ""
        flat[key] = row.get("amount")
    for row in data.get("stock") or []:
        flat[f"stock:{row['store']}" + (f"/{row['variant']}" if row.get("variant") else "")] = row.get("quantity")
    for index, row in enumerate(data.get("images") or []):
        flat[f"image:{index + 1}"] = f"{row['file'][:12]} {row['role']} " + json.dumps(row["alt"], ensure_ascii=False)
    for row in data.get("documents") or []:
        flat[f"document:{row['language']}/{row['file'].rsplit('/', 1)[-1]}"] = \
            f"{row['kind']} · {row['title']} · {row['position']}"
    for row in data.get("relations") or []:
        flat[f"relation:{row['kind']}/{row['related']}"] = row["position"]
    return flat


def diff(old, new):
    """[(field, old value, new value)] of what differs between two snapshots (either may be None)."""
    return changes(_flatten(old or {}), _flatten(new or {}))


def with_changes(entries, diff=diff):
    """[(entry, its changes since the version before it)] for versions listed newest first."""
    return [(entry, diff(entries[index + 1].data if index + 1 < len(entries) else None, entry.data))
            for index, entry in enumerate(entries)]


def changes(before, after):
    """[(key, old value, new value)] between two flat dicts; empty values are all alike."""
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        a, b = before.get(key), after.get(key)
        if (a or None) != (b or None):
            rows.append((key, a, b))
    return rows


def previous(entry):
    """The version recorded before ``entry`` for the same product, or None."""
    return (ProductHistory.objects.filter(product_id=entry.product_id)
            .filter(created_at__lte=entry.created_at).exclude(pk=entry.pk)
            .filter(pk__lt=entry.pk).order_by("-created_at", "-pk").first())


def revert(entry, *, user=None):
    """Bring the product back to ``entry``: texts, attributes, variants,
    prices, stock, shipping fields, images, documents and relations, all or
    nothing. The result is bookkept like any edit (``workflow.after_edit``: a
    new version, outdated translations, an approved product back to draft).
    Parts a version recorded before they were tracked are left as they are.
    Raises services.ProductValidationError when the version no longer fits
    (it names a category or price list deleted since)."""
    from . import services, workflow

    data = {key: value for key, value in entry.data.items() if key in services.WRITABLE_KEYS}
    if "variants" in data:
        data["variants"] = [{key: row[key] for key in services.VARIANT_KEYS if key in row} for row in data["variants"]]
    with transaction.atomic():
        product = services.update_product(entry.product, data, expected_version=None, partial=False, user=user)
        _restore_details(product, entry.data)
        _restore_images(product, entry.data.get("images", []))
        _restore_documents(product, entry.data.get("documents"))
        _restore_relations(product, entry.data.get("relations"))
        product.save()  # one version for the whole revert, and publishing follows it
        workflow.after_edit(product, user, comment=_("Reverted to the version of %(when)s") % {
            "when": timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")})
    return product


def _restore_details(product, data):
    """The product and variant fields the write API does not carry."""
    if "replacement" in data:
        sku = data["replacement"]
        # A replacement deleted since is left empty (its foreign key would be anyway).
        product.replacement = Product.objects.filter(sku=sku).exclude(pk=product.pk).first() if sku else None
    if "available_from" in data:
        product.available_from = parse_date(data["available_from"]) if data["available_from"] else None
    for key in ("backorder_allowed", "weight_grams"):
        if key in data:
            setattr(product, key, data[key])
    variants = {variant.sku: variant for variant in Variant.objects.filter(product=product)}
    for row in data.get("variants") or []:
        variant = variants.get(row["sku"])
        details = {key: row[key] for key in VARIANT_DETAIL_KEYS if key in row}
        if variant is not None and details:
            Variant.objects.filter(pk=variant.pk).update(**details)


def _restore_images(product, rows):
    from .models import ImageFile

    files = {f.sha256: f for f in ImageFile.objects.filter(sha256__in=[row["file"] for row in rows])}
    variants = {v.sku: v for v in Variant.objects.filter(product=product)}
    ProductImage.objects.filter(product=product).delete()
    for row in rows:
        image_file = files.get(row["file"])
        if image_file is None:
            continue  # the file itself is gone; nothing to point at
        image = ProductImage(product=product, image_file=image_file, role=row["role"],
                             position=row["position"], variant=variants.get(row.get("variant")))
        for language, alt in row["alt"].items():
            image.set_current_language(language)
            image.alt = alt
        image.save()


def _restore_documents(product, rows):
    """Documents by their stored file; one whose file was removed from storage stays gone."""
    if rows is None:
        return
    current = {document.file.name: document for document in ProductDocument.objects.filter(product=product)}
    wanted = {row["file"]: row for row in rows}
    ProductDocument.objects.filter(pk__in=[d.pk for name, d in current.items() if name not in wanted]).delete()
    for name, row in wanted.items():
        document = current.get(name)
        if document is None:
            if not default_storage.exists(name):
                continue
            document = ProductDocument(product=product, file=name)
        document.language_code, document.kind = row["language"], row["kind"]
        document.title, document.position = row["title"], row["position"]
        document.save()


def _restore_relations(product, rows):
    """Relations to products that still exist."""
    if rows is None:
        return
    skus = [row["related"] for row in rows]
    related = {p.sku: p for p in Product.objects.filter(sku__in=skus).exclude(pk=product.pk)}
    ProductRelation.objects.filter(product=product).delete()
    ProductRelation.objects.bulk_create([
        ProductRelation(product=product, related=related[row["related"]], kind=row["kind"], position=row["position"])
        for row in rows if row["related"] in related
    ])


def prune_by_settings():
    """The scheduler's daily duty: ``prune`` with PIM_HISTORY_RETENTION_DAYS
    and PIM_HISTORY_KEEP_VERSIONS (either None: that limit is off)."""
    days = getattr(settings, "PIM_HISTORY_RETENTION_DAYS", None)
    keep = getattr(settings, "PIM_HISTORY_KEEP_VERSIONS", None)
    if days is None and keep is None:
        return 0
    return prune(older_than_days=days, keep=keep)


def prune(*, older_than_days=None, keep=None, now=None):
    """Delete versions older than the age limit and beyond the newest ``keep``
    per product and per reference record (the newest version of each always
    stays); returns how many were deleted."""
    from .models import ReferenceHistory

    return (_prune(ProductHistory, ("product_id",), older_than_days, keep, now)
            + _prune(ReferenceHistory, ("content_type_id", "object_id"), older_than_days, keep, now))


def _prune(model, owner, older_than_days, keep, now):
    now = now or timezone.now()
    doomed = set()
    rows = model.objects.order_by(*owner, "-created_at", "-pk").values_list("pk", "created_at", *owner)
    cutoff = now - timedelta(days=older_than_days) if older_than_days is not None else None
    rank, current = 0, None
    for pk, created_at, *key in rows.iterator(chunk_size=2000):
        rank = rank + 1 if key == current else 1
        current = key
        if rank == 1:
            continue
        if (keep is not None and rank > keep) or (cutoff is not None and created_at < cutoff):
            doomed.add(pk)
    doomed = list(doomed)
    for start in range(0, len(doomed), 500):
        model.objects.filter(pk__in=doomed[start:start + 500]).delete()
    return len(doomed)
