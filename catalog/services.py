"""Create, update, upsert and delete products from plain dicts of values: the
one write path that the API, the admin, the import and bulk edit share.

The dict has the write API's shape (codes for related rows, per-language
texts under "translations", typed attribute values). Everything is checked
before anything is written, and errors are keyed the way the API reports
them: "gtin", "name[fi]", "attr:power", "attr:colour_name[ru]",
"variants[0].sku". Updates lock the product row and compare its version
inside the same transaction, so two writers can never both win.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from parler.cache import _delete_cached_translations

from .models import (
    Attribute, AttributeValue, Brand, Category, Family, Price, PriceList, Product, Stock, Store, Variant,
)
from .models.products import RICH_TEXT_FIELDS, TRANSLATED_PRODUCT_FIELDS
from .richtext import sanitize_html
from .validators import validate_code, validate_gtin

#: Keys a product dict may carry. READ_ONLY_KEYS are accepted (so a GET body
#: can be sent back) and ignored; "version" is read by the callers instead.
WRITABLE_KEYS = (
    "sku", "gtin", "mpn", "brand", "family", "categories", "status",
    "translations", "attributes", "variants", "prices", "stock",
)
READ_ONLY_KEYS = ("version", "review_state", "updated_at")
ATTRIBUTE_ENTRY_KEYS = ("code", "locale", "value")
VARIANT_KEYS = ("sku", "gtin", "axes")
PRICE_KEYS = ("price_list", "variant", "amount", "valid_from", "valid_until")
STOCK_KEYS = ("store", "variant", "quantity")

Translation = Product._parler_meta.root_model


def _concurrent_clash():
    return {"non_field_errors": [
        _("Another product with the same SKU, variant SKU or slug was saved at the same moment; send it again."),
    ]}


class ProductValidationError(Exception):
    """The dict cannot be saved; ``errors`` is {"name[fi]": ["message", …]}."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class VersionConflict(Exception):
    """The product changed since the caller read it."""

    def __init__(self, current_version):
        super().__init__(current_version)
        self.current_version = current_version


@dataclass
class UpsertResult:
    """The outcome of one line of a bulk upsert."""

    line: int
    sku: str | None
    status_code: int  # 201 created, 204 updated, 400 invalid, 412 stale, 428 version missing
    product: Product | None = None
    errors: dict = field(default_factory=dict)
    current_version: int | None = None

    @property
    def code(self):
        return {400: "invalid", 412: "version_conflict", 428: "version_required"}.get(self.status_code)

    def as_dict(self):
        result = {"line": self.line, "sku": self.sku, "status_code": self.status_code}
        if self.product is not None:
            result["version"] = self.product.version
        if self.code:
            result["code"] = self.code
        if self.errors:
            result["errors"] = self.errors
        if self.current_version is not None:
            result["current_version"] = self.current_version
        return result


# --- public functions ---------------------------------------------------------

def create_product(data, *, user=None, _refs=None):
    """Create a product from ``data`` (a dict of the write API's shape)."""
    product = Product()
    writer = _ProductWriter(product, data, partial=False, refs=_refs or _Refs())
    writer.validate(require_sku=True)
    try:
        with transaction.atomic():
            writer.apply()
    except IntegrityError:
        # A concurrent writer took the SKU (or a variant SKU) between the
        # check and the insert: the unique index decided, report it as such.
        _delete_cached_translations(product)
        raise ProductValidationError(_concurrent_clash())
    except Exception:
        _delete_cached_translations(product)
        raise
    return product


def update_product(product, data, *, expected_version, partial, user=None, _refs=None):
    """Update ``product`` from ``data``; returns the saved product (a fresh
    instance). ``partial`` changes only the keys given (and, for texts and
    attributes, only the languages given); otherwise missing keys are
    cleared. ``expected_version`` None skips the version check (callers that
    speak for a person who saw a version must pass it)."""
    with transaction.atomic():
        locked = _locked(product.pk)
        if expected_version is not None and locked.version != expected_version:
            raise VersionConflict(locked.version)
        writer = _ProductWriter(_load_for_writing(locked, data, partial), data, partial=partial, refs=_refs or _Refs())
        writer.validate()
        try:
            with transaction.atomic():
                writer.apply()
        except IntegrityError:
            _delete_cached_translations(locked)
            raise ProductValidationError(_concurrent_clash())
        except Exception:
            _delete_cached_translations(locked)
            raise
    return locked


def delete_product(product, *, expected_version=None, user=None):
    """Delete ``product``; with ``expected_version``, only if it is still that version."""
    with transaction.atomic():
        locked = _locked(product.pk)
        if expected_version is not None and locked.version != expected_version:
            raise VersionConflict(locked.version)
        locked.delete()


def upsert_products(items, *, user=None, require_version=True):
    """Create or partially update each item (matched by SKU) and return one
    ``UpsertResult`` per item, in order. Each item runs in its own savepoint:
    an invalid or stale one leaves the others saved. Updates need the
    item's "version" unless ``require_version`` is off (a file an editor
    exported and edits is its own authority)."""
    refs = _Refs()
    results = []
    try:
        _upsert_all(items, refs, results, require_version, user)
    except Exception:
        # The whole batch rolled back: forget texts parler cached for its lines.
        for result in results:
            if result.product is not None:
                _delete_cached_translations(result.product)
        raise
    return results


def _upsert_all(items, refs, results, require_version, user):
    with transaction.atomic():
        # Lock the existing products in one order (by id) before touching any:
        # two bulk requests over the same products then queue instead of
        # deadlocking.
        skus = sorted({item["sku"] for item in items if isinstance(item, dict) and isinstance(item.get("sku"), str)})
        pks = sorted(pk for start in range(0, len(skus), 500)
                     for pk in Product.objects.filter(sku__in=skus[start:start + 500]).values_list("pk", flat=True))
        for start in range(0, len(pks), 500):
            list(Product.objects.select_for_update().filter(pk__in=pks[start:start + 500])
                 .order_by("pk").values_list("pk", flat=True))
        for line, item in enumerate(items, start=1):
            results.append(_upsert_one(line, item, refs, require_version, user))


class InvalidLine:
    """A line of a bulk body that is not JSON (kept so numbering stays right)."""

    def __init__(self, message):
        self.message = message


def _upsert_one(line, item, refs, require_version, user):
    if isinstance(item, InvalidLine):
        return UpsertResult(line, None, 400, errors={"non_field_errors": [item.message]})
    if not isinstance(item, dict):
        return UpsertResult(line, None, 400, errors={"non_field_errors": [_("Expected a JSON object.")]})
    sku = item.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        return UpsertResult(line, None, 400, errors={"sku": [_("This field is required.")]})
    try:
        version = parse_version(item.get("version"))
    except ProductValidationError as exc:
        return UpsertResult(line, sku, 400, errors=exc.errors)
    try:
        with transaction.atomic():
            product = Product.objects.filter(sku=sku).first()
            if product is None:
                product = create_product(item, user=user, _refs=refs)
                return UpsertResult(line, sku, 201, product=product)
            if version is None and require_version:
                # No current version here: the client should read the
                # product, not resend blindly over someone else's change.
                return UpsertResult(line, sku, 428, errors={"version": [
                    _("Send the version you last read to update an existing product."),
                ]})
            product = update_product(product, item, expected_version=version, partial=True, user=user, _refs=refs)
            return UpsertResult(line, sku, 204, product=product)
    except ProductValidationError as exc:
        return UpsertResult(line, sku, 400, errors=exc.errors)
    except VersionConflict as exc:
        return UpsertResult(line, sku, 412, current_version=exc.current_version)


def parse_version(value):
    """A version sent by a client (int or digits), or None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ProductValidationError({"version": [_("Send the version as a whole number, e.g. 3.")]})


# --- internals ----------------------------------------------------------------

def _locked(pk):
    """The product row, locked until the transaction ends."""
    return Product.objects.select_for_update().get(pk=pk)


def _load_for_writing(product, data, partial):
    """What the writer compares against, loaded once the version matched:
    for a PATCH only the parts it sends (prices and stock name variants)."""
    lookups = {
        "translations": ["translations"],
        "categories": ["categories"],
        "attributes": [Prefetch("attribute_values", queryset=AttributeValue.objects
                                .select_related("attribute", "option").prefetch_related("options"))],
        "variants": [Prefetch("variants", queryset=Variant.objects.prefetch_related("axis_values"))],
        "prices": [Prefetch("prices", queryset=Price.objects.select_related("price_list", "variant"))],
        "stock": [Prefetch("stock", queryset=Stock.objects.select_related("store", "variant"))],
    }
    keys = set(data) if partial and isinstance(data, dict) else set(lookups)
    if keys & {"prices", "stock"}:
        keys.add("variants")
    prefetch_related_objects([product], *[lookup for key in lookups if key in keys for lookup in lookups[key]])
    return product


class _Refs:
    """Reference rows (brands, families, categories, attributes, price lists,
    stores) by code, cached for one call so a bulk upsert looks each up once."""

    def __init__(self):
        self._cache = {}

    def lookup(self, model, codes):
        cache = self._cache.setdefault(model, {})
        missing = [code for code in set(codes) if code not in cache]
        if missing:
            queryset = model.objects.filter(code__in=missing)
            if model is Attribute:
                queryset = queryset.prefetch_related("options")
            found = {obj.code: obj for obj in queryset}
            for code in missing:
                cache[code] = found.get(code)
        return {code: cache[code] for code in set(codes) if cache[code] is not None}


def _languages_text():
    return ", ".join(settings.LANGUAGE_CODES)


def _unknown_language(code):
    return _("Unknown language '%(code)s'. Use one of: %(codes)s.") % {"code": code, "codes": _languages_text()}


def _messages(exc):
    return [str(message) for message in exc.messages]


def parse_decimal(value, *, decimal_places, max_digits):
    """A Decimal from a JSON number or a numeric string, within the column's size."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValidationError(_("Send a number, e.g. \"12.5\"."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": value})
    # Size first: quantize() of a number wider than the decimal context fails.
    if abs(number) >= Decimal(10) ** (max_digits - decimal_places):
        raise ValidationError(_("The number is too large."))
    if number != number.quantize(Decimal(1).scaleb(-decimal_places)):
        raise ValidationError(_("Use at most %(places)d decimal places.") % {"places": decimal_places})
    return number


def parse_attribute_value(attribute, value):
    """The typed value of ``attribute`` from its JSON form: a decimal for
    numbers, bool, date, an option for a select, a list of options for a
    multi-select, text otherwise. Raises ValidationError with a clear message."""
    T = Attribute.Type
    kind = attribute.type
    if kind in (T.NUMBER, T.MEASUREMENT):
        return parse_decimal(value, decimal_places=6, max_digits=20)
    if kind == T.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationError(_("Send true or false."))
        return value
    if kind == T.DATE:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValidationError(_("Send a date as YYYY-MM-DD."))
    if kind in (T.SELECT, T.MULTI_SELECT):
        options = {option.code: option for option in attribute.options.all()}
        codes = [value] if kind == T.SELECT else value
        if kind == T.SELECT and not isinstance(value, str):
            raise ValidationError(_("Send the code of one option."))
        if kind == T.MULTI_SELECT and (not isinstance(value, list) or not all(isinstance(c, str) for c in value)):
            raise ValidationError(_("Send a list of option codes."))
        unknown = [code for code in codes if code not in options]
        if unknown:
            raise ValidationError(
                _("Not an option of %(attribute)s: %(codes)s. Options: %(options)s.") % {
                    "attribute": attribute.code, "codes": ", ".join(unknown),
                    "options": ", ".join(options) or "-",
                }
            )
        if kind == T.SELECT:
            return options[value]
        return [options[code] for code in dict.fromkeys(codes)]
    if not isinstance(value, str):
        raise ValidationError(_("Send text."))
    return sanitize_html(value) if kind == T.RICH_TEXT else value


def _stored_value(value_row):
    """The comparable form of a stored attribute value."""
    raw = value_row.raw_value()
    if isinstance(raw, list):
        return {option.pk for option in raw}
    return raw.pk if hasattr(raw, "pk") else raw


def _comparable(value):
    if isinstance(value, list):
        return {option.pk for option in value}
    return value.pk if hasattr(value, "pk") else value


def _parse_datetime(value):
    if value is None or value == "":
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError(_("Use an ISO 8601 date and time, e.g. 2026-05-01T00:00:00+03:00."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class _ProductWriter:
    """Checks one dict against one product, then applies it.

    ``validate()`` changes only the in-memory product (fields and parler
    translations) and plans the related rows; it raises
    ProductValidationError with every problem found. ``apply()`` saves the
    product through Product.save() (which bumps the version and sanitises
    rich text) and then the planned rows — nothing when nothing changed.
    """

    def __init__(self, product, data, *, partial, refs):
        self.product = product
        self.data = data
        self.partial = partial
        self.refs = refs
        self.creating = product.pk is None
        self.errors = {}
        self.changed = self.creating
        self.operations = []  # run in order after the product row is saved
        self.variant_skus = set()  # the product's variant SKUs after the change
        self.variants_by_sku = {}

    # helpers

    def error(self, key, message):
        messages = message if isinstance(message, list) else [message]
        self.errors.setdefault(key, []).extend(str(m) for m in messages)

    def handles(self, key):
        """PUT and create handle every key (absent = empty); PATCH only those sent."""
        return not self.partial or key in self.data

    def plan(self, operation):
        self.changed = True
        self.operations.append(operation)

    # validate

    def validate(self, require_sku=False):
        if not isinstance(self.data, dict):
            raise ProductValidationError({"non_field_errors": [_("Expected a JSON object with the product's fields.")]})
        for key in self.data:
            if key not in WRITABLE_KEYS and key not in READ_ONLY_KEYS:
                self.error(key, _("Unknown field."))
        self._row_fields(require_sku)
        self._translations()
        self._categories()
        self._attributes()
        self._variants()
        self._prices()
        self._stock()
        if self.errors:
            raise ProductValidationError(self.errors)

    def _text(self, key, value):
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(key, _("Send text."))
            return None
        return value.strip()

    def _row_fields(self, require_sku):
        product, data = self.product, self.data
        before = (product.sku, product.gtin, product.mpn, product.brand_id, product.family_id, product.status)
        if "sku" in data:
            sku = data["sku"]
            if not isinstance(sku, str) or not sku.strip():
                self.error("sku", _("This field is required."))
            elif self.creating:
                product.sku = sku.strip()
            elif sku.strip() != product.sku:
                self.error("sku", _("The SKU of an existing product cannot be changed."))
        elif require_sku:
            self.error("sku", _("This field is required."))
        for key in ("gtin", "mpn"):
            if not self.handles(key):
                continue
            if key == "gtin" and data.get(key) is not None and not isinstance(data.get(key), str):
                self.error(key, _("Send the GTIN as a string of digits (leading zeros count)."))
                continue
            value = self._text(key, data.get(key))
            if value is not None:
                setattr(product, key, value)
        unknown = {"brand": _("Unknown brand '%(code)s'."), "family": _("Unknown family '%(code)s'.")}
        for key, model in (("brand", Brand), ("family", Family)):
            if self.handles(key):
                code = data.get(key)
                if code in (None, ""):
                    setattr(product, key, None)
                elif not isinstance(code, str):
                    self.error(key, _("Send a code."))
                else:
                    found = self.refs.lookup(model, [code]).get(code)
                    if found is None:
                        self.error(key, unknown[key] % {"code": code})
                    else:
                        setattr(product, key, found)
        if self.handles("status"):
            status = data.get("status") or Product.Status.ACTIVE
            if status not in Product.Status.values:
                self.error("status", _("Use one of: %(values)s.") % {"values": ", ".join(Product.Status.values)})
            else:
                product.status = status

        if self.partial and not any(key in data for key in ("sku", "gtin", "mpn", "brand", "family", "status")):
            return  # nothing of the row itself is sent
        # Brand and family were looked up above; full_clean would query them again.
        excluded = [f.name for f in Product._meta.fields if not f.editable]
        excluded += ["brand", "family", "replacement", *self.errors]
        try:
            product.full_clean(exclude=excluded, validate_unique=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.error("non_field_errors" if key == "__all__" else key, messages)
        if self.creating and "sku" not in self.errors and product.sku:
            if Product.objects.filter(sku=product.sku).exists():
                self.error("sku", _("A product with this SKU already exists."))
        after = (product.sku, product.gtin, product.mpn, product.brand_id, product.family_id, product.status)
        if after != before:
            self.changed = True

    def _translations(self):
        product = self.product
        if not self.handles("translations"):
            return
        given = self.data.get("translations")
        if given is None:
            given = {}
        if not isinstance(given, dict):
            self.error("translations", _("Send an object of languages, e.g. {\"fi\": {\"name\": \"…\"}}."))
            return
        existing = set() if self.creating else {t.language_code for t in product.translations.all()}
        removed = set()
        current_language = product.get_current_language()
        for language, fields in given.items():
            if language not in settings.LANGUAGE_CODES:
                self.error(f"translations[{language}]", _unknown_language(language))
                continue
            if fields is None:
                if language in existing:
                    removed.add(language)
                continue
            if not isinstance(fields, dict):
                self.error(f"translations[{language}]", _("Send an object of texts, e.g. {\"name\": \"…\"}."))
                continue
            self._translation(language, fields, is_new=language not in existing)
        if not self.partial:
            removed |= existing - set(given)
        remaining = (existing | {lang for lang, f in given.items() if isinstance(f, dict)}) - removed
        if not remaining:
            self.error("translations", _("Give the product a name in at least one language."))
        product.set_current_language(current_language)
        for language in sorted(removed):
            self.plan(lambda language=language: self.product.delete_translation(language))
        if removed:
            # Parler holds the language in its local cache until deleted.
            for language in removed:
                product._translations_cache[Translation].pop(language, None)

    def _translation(self, language, fields, is_new):
        product = self.product
        for key in fields:
            if key not in TRANSLATED_PRODUCT_FIELDS:
                self.error(f"{key}[{language}]", _("Unknown field."))
        product.set_current_language(language, initialize=True)
        translation = product.get_translation(language)
        replace = is_new or not self.partial
        for key in TRANSLATED_PRODUCT_FIELDS:
            if key == "slug":
                continue
            if key in fields:
                value = self._text(f"{key}[{language}]", fields[key])
                if value is None:
                    continue
                setattr(translation, key, sanitize_html(value) if key in RICH_TEXT_FIELDS else value)
            elif replace:
                setattr(translation, key, "")
        if not (translation.name or "").strip():
            self.error(f"name[{language}]", _("Give the product a name in this language."))
            return
        slug_key = f"slug[{language}]"
        if "slug" in fields and fields["slug"] not in (None, ""):
            slug = self._text(slug_key, fields["slug"])
            if slug is None:
                return
            translation.slug = slug
            if self._slug_taken(language, slug):
                self.error(slug_key, _("Another product already uses the slug '%(slug)s' in this language.")
                           % {"slug": slug})
        elif "slug" in fields or not translation.slug:
            # Made from the name when new or asked for (an empty slug); an
            # existing slug stays when only the name changes, so URLs hold.
            translation.slug = self._free_slug(language, translation.name)
        try:
            translation.full_clean(exclude=["master", "language_code"], validate_unique=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.error(f"{key}[{language}]", messages)
        if translation.pk is None or translation.is_modified:
            self.changed = True

    def _slug_taken(self, language, slug):
        """Whether another product uses ``slug`` in ``language``."""
        clash = Translation.objects.filter(language_code=language, slug=slug)
        if self.product.pk:
            clash = clash.exclude(master_id=self.product.pk)
        return clash.exists()

    def _free_slug(self, language, name):
        base = slugify(name, allow_unicode=True)[:200].strip("-") or slugify(self.product.sku, allow_unicode=True)
        taken = Translation.objects.filter(language_code=language, slug__startswith=base)
        if self.product.pk:
            taken = taken.exclude(master_id=self.product.pk)
        taken = set(taken.values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    def _codes(self, key, value):
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            self.error(key, _("Send a list of codes."))
            return None
        return list(dict.fromkeys(value))

    def _categories(self):
        if not self.handles("categories"):
            return
        codes = self._codes("categories", self.data.get("categories"))
        if codes is None:
            return
        found = self.refs.lookup(Category, codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            self.error("categories", _("Unknown categories: %(codes)s.") % {"codes": ", ".join(unknown)})
            return
        wanted = {found[code].pk for code in codes}
        current = set() if self.creating else {c.pk for c in self.product.categories.all()}
        if wanted != current:
            self.plan(lambda: self.product.categories.set(wanted))

    # attributes

    def _attributes(self):
        if not self.handles("attributes"):
            return
        entries = self.data.get("attributes")
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            self.error("attributes", _("Send a list of {\"code\", \"locale\", \"value\"} objects."))
            return
        codes = [e.get("code") for e in entries if isinstance(e, dict) and isinstance(e.get("code"), str)]
        attributes = self.refs.lookup(Attribute, codes)
        existing = {} if self.creating else {
            (row.attribute_id, row.language_code): row for row in self.product.attribute_values.all()
        }
        seen = set()
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
                self.error(f"attributes[{index}]", _("Send an object with \"code\", \"locale\" and \"value\"."))
                continue
            code, locale = entry["code"], entry.get("locale") or ""
            key = f"attr:{code}[{locale}]" if locale else f"attr:{code}"
            for extra in entry:
                if extra not in ATTRIBUTE_ENTRY_KEYS:
                    self.error(key, _("Unknown field '%(field)s'.") % {"field": extra})
            attribute = attributes.get(code)
            if attribute is None:
                self.error(key, _("Unknown attribute '%(code)s'.") % {"code": code})
                continue
            if not isinstance(locale, str):
                self.error(key, _("Send the locale as a language code or null."))
                continue
            if locale and locale not in settings.LANGUAGE_CODES:
                self.error(key, _unknown_language(locale))
                continue
            if attribute.localizable and not locale:
                self.error(key, _("This attribute differs per language: give a locale (%(codes)s).")
                           % {"codes": _languages_text()})
                continue
            if not attribute.localizable and locale:
                self.error(key, _("This attribute is the same in every language: send locale null."))
                continue
            if (attribute.pk, locale) in seen:
                self.error(key, _("Given more than once."))
                continue
            seen.add((attribute.pk, locale))
            if "value" not in entry:
                self.error(key, _("Send a value (null removes it)."))
                continue
            self._attribute_value(key, attribute, locale, entry["value"], existing.get((attribute.pk, locale)))
        if not self.partial:
            for (attribute_id, locale), row in existing.items():
                if (attribute_id, locale) not in seen:
                    self.plan(row.delete)

    def _attribute_value(self, key, attribute, locale, value, row):
        if value is None or value == [] or value == "":
            if row is not None:
                self.plan(row.delete)
            return
        try:
            typed = parse_attribute_value(attribute, value)
        except ValidationError as exc:
            self.error(key, _messages(exc))
            return
        if row is not None and _stored_value(row) == _comparable(typed):
            return
        self.plan(lambda: self._save_value(attribute, locale, typed, row))

    def _save_value(self, attribute, locale, typed, row):
        T = Attribute.Type
        if row is None:
            row = AttributeValue(product=self.product, attribute=attribute, language_code=locale)
        row.value_text, row.value_number, row.value_bool, row.value_date, row.option = "", None, None, None, None
        if attribute.type in (T.NUMBER, T.MEASUREMENT):
            row.value_number = typed
        elif attribute.type == T.BOOLEAN:
            row.value_bool = typed
        elif attribute.type == T.DATE:
            row.value_date = typed
        elif attribute.type == T.SELECT:
            row.option = typed
        elif attribute.type != T.MULTI_SELECT:
            row.value_text = typed
        row.save()
        if attribute.type == T.MULTI_SELECT:
            row.options.set(typed)

    # variants, prices, stock

    def _entries(self, key, allowed):
        entries = self.data.get(key)
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.error(key, _("Send a list."))
            return None
        valid = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.error(f"{key}[{index}]", _("Send an object."))
                continue
            for extra in entry:
                if extra not in allowed:
                    self.error(f"{key}[{index}].{extra}", _("Unknown field."))
            valid.append((index, entry))
        return valid

    def _variants(self):
        product = self.product
        if not self.handles("variants") and not (self.handles("prices") or self.handles("stock")):
            return  # nothing names a variant
        current = {} if self.creating else {v.sku: v for v in product.variants.all()}
        if not self.handles("variants"):
            self.variant_skus = set(current)
            self.variants_by_sku = dict(current)
            return
        entries = self._entries("variants", VARIANT_KEYS)
        if entries is None:
            self.variant_skus = set(current)
            return
        skus = [e.get("sku") for _i, e in entries if isinstance(e.get("sku"), str)]
        taken = set(Variant.objects.filter(sku__in=skus).exclude(product_id=product.pk).values_list("sku", flat=True))
        taken |= set(Product.objects.filter(sku__in=skus).values_list("sku", flat=True))
        axis_codes = {
            code for _i, e in entries if isinstance(e.get("axes"), dict) for code in e["axes"]
        }
        axes = self.refs.lookup(Attribute, axis_codes)
        planned = []
        for position, (index, entry) in enumerate(entries):
            prefix = f"variants[{index}]"
            sku = entry.get("sku")
            if not isinstance(sku, str) or not sku.strip():
                self.error(f"{prefix}.sku", _("This field is required."))
                continue
            sku = sku.strip()
            try:
                validate_code(sku)
            except ValidationError as exc:
                self.error(f"{prefix}.sku", _messages(exc))
                continue
            if sku == product.sku:
                self.error(f"{prefix}.sku", _("A variant needs its own SKU, not the product's."))
            elif sku in taken:
                self.error(f"{prefix}.sku", _("A product or another product's variant already uses this SKU."))
            elif sku in self.variant_skus:
                self.error(f"{prefix}.sku", _("Given more than once."))
            self.variant_skus.add(sku)
            gtin = entry.get("gtin") or ""
            if not isinstance(gtin, str):
                self.error(f"{prefix}.gtin", _("Send the GTIN as a string of digits (leading zeros count)."))
                gtin = ""
            try:
                validate_gtin(gtin)
            except ValidationError as exc:
                self.error(f"{prefix}.gtin", _messages(exc))
            options = self._axis_options(prefix, entry.get("axes"), axes)
            planned.append((sku, gtin, options, position))
        changes = []
        for sku, gtin, options, position in planned:
            variant = current.get(sku)
            option_ids = {o.pk for o in options} if options is not None else None
            if variant is None:
                changes.append((sku, gtin, options, position, None))
            elif (variant.gtin != gtin or variant.position != position
                  or (option_ids is not None and option_ids != {o.pk for o in variant.axis_values.all()})):
                changes.append((sku, gtin, options, position, variant))
        gone = [variant for sku, variant in current.items() if sku not in self.variant_skus]
        self.variants_by_sku = {sku: v for sku, v in current.items() if sku in self.variant_skus}
        if changes or gone:
            self.plan(lambda: self._save_variants(changes, gone))

    def _axis_options(self, prefix, given, attributes):
        if given is None:
            return []
        if not isinstance(given, dict):
            self.error(f"{prefix}.axes", _("Send an object of axis code → option code."))
            return None
        options = []
        for code, option_code in given.items():
            attribute = attributes.get(code)
            key = f"{prefix}.axes.{code}"
            if attribute is None:
                self.error(key, _("Unknown attribute '%(code)s'.") % {"code": code})
            elif not attribute.is_variant_axis or attribute.type != Attribute.Type.SELECT:
                self.error(key, _("'%(code)s' is not a variant axis.") % {"code": code})
            else:
                try:
                    options.append(parse_attribute_value(attribute, option_code))
                except ValidationError as exc:
                    self.error(key, _messages(exc))
        return options

    def _save_variants(self, changes, gone):
        for variant in gone:
            variant.delete()
        for sku, gtin, options, position, variant in changes:
            if variant is None:
                variant = Variant(product=self.product, sku=sku)
            variant.gtin, variant.position = gtin, position
            variant.save()
            if options is not None:
                variant.axis_values.set(options)
            self.variants_by_sku[sku] = variant

    def _variant_sku(self, key, value):
        """Checks a price's or stock row's variant SKU; returns it or ""."""
        if value in (None, ""):
            return ""
        if not isinstance(value, str) or value not in self.variant_skus:
            self.error(key, _("Not a variant of this product: '%(sku)s'.") % {"sku": value})
            return None
        return value

    def _prices(self):
        if not self.handles("prices"):
            return
        entries = self._entries("prices", PRICE_KEYS)
        if entries is None:
            return
        lists = self.refs.lookup(PriceList, [e.get("price_list") for _i, e in entries
                                             if isinstance(e.get("price_list"), str)])
        wanted = []
        for index, entry in entries:
            prefix = f"prices[{index}]"
            code = entry.get("price_list")
            price_list = lists.get(code) if isinstance(code, str) else None
            if price_list is None:
                self.error(f"{prefix}.price_list",
                           _("Unknown price list '%(code)s'.") % {"code": entry.get("price_list")})
            variant = self._variant_sku(f"{prefix}.variant", entry.get("variant"))
            try:
                amount = parse_decimal(entry.get("amount"), decimal_places=2, max_digits=12)
                if amount < 0:
                    raise ValidationError(_("A price cannot be negative."))
            except ValidationError as exc:
                self.error(f"{prefix}.amount", _messages(exc))
                amount = None
            window = []
            for key in ("valid_from", "valid_until"):
                try:
                    window.append(_parse_datetime(entry.get(key)))
                except ValidationError as exc:
                    self.error(f"{prefix}.{key}", _messages(exc))
                    window.append(None)
            if window[0] and window[1] and window[1] <= window[0]:
                self.error(f"{prefix}.valid_until", _("The end must come after the start."))
            if price_list is None or variant is None or amount is None:
                continue
            row = (price_list.pk, variant, window[0])
            if row in {(w[0], w[1], w[3]) for w in wanted}:
                self.error(prefix, _("The same price list, variant and start are given more than once."))
                continue
            wanted.append((price_list.pk, variant, amount, window[0], window[1]))
        current = [] if self.creating else [
            (p.price_list_id, p.variant.sku if p.variant_id else "", p.amount, p.valid_from, p.valid_until)
            for p in self.product.prices.all()
        ]
        if sorted(map(_sort_key, current)) != sorted(map(_sort_key, wanted)):
            # Prices have no identity of their own: the list replaces them.
            self.plan(lambda: self._save_prices(wanted))

    def _save_prices(self, wanted):
        self.product.prices.all().delete()
        for list_id, sku, amount, start, end in wanted:
            Price.objects.create(
                product=self.product, price_list_id=list_id, variant=self.variants_by_sku.get(sku),
                amount=amount, valid_from=start, valid_until=end,
            )

    def _stock(self):
        if not self.handles("stock"):
            return
        entries = self._entries("stock", STOCK_KEYS)
        if entries is None:
            return
        stores = self.refs.lookup(Store, [e.get("store") for _i, e in entries if isinstance(e.get("store"), str)])
        wanted = {}
        for index, entry in entries:
            prefix = f"stock[{index}]"
            code = entry.get("store")
            store = stores.get(code) if isinstance(code, str) else None
            if store is None:
                self.error(f"{prefix}.store", _("Unknown store '%(code)s'.") % {"code": entry.get("store")})
            variant = self._variant_sku(f"{prefix}.variant", entry.get("variant"))
            quantity = entry.get("quantity")
            if isinstance(quantity, bool) or not isinstance(quantity, int):
                self.error(f"{prefix}.quantity", _("Send a whole number."))
                continue
            if store is None or variant is None:
                continue
            if (store.pk, variant) in wanted:
                self.error(prefix, _("The same store and variant are given more than once."))
                continue
            wanted[(store.pk, variant)] = quantity
        current = {} if self.creating else {
            (s.store_id, s.variant.sku if s.variant_id else ""): s for s in self.product.stock.all()
        }
        updates = [(key, quantity) for key, quantity in wanted.items()
                   if key not in current or current[key].quantity != quantity]
        gone = [row for key, row in current.items() if key not in wanted]
        if updates or gone:
            self.plan(lambda: self._save_stock(updates, gone, current))

    def _save_stock(self, updates, gone, current):
        for row in gone:
            row.delete()
        for (store_id, sku), quantity in updates:
            row = current.get((store_id, sku)) or Stock(
                product=self.product, store_id=store_id, variant=self.variants_by_sku.get(sku),
            )
            row.quantity = quantity
            row.save()

    # apply

    def apply(self):
        """Save what validate() planned; returns whether anything changed."""
        if not self.changed:
            return False
        self.product.save()
        for operation in self.operations:
            operation()
        return True


def _sort_key(row):
    list_id, sku, amount, start, end = row
    return (list_id, sku, amount, start.timestamp() if start else float("-inf"),
            end.timestamp() if end else float("-inf"))
