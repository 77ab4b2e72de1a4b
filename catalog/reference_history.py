"""History of the reference records kept beside the products: categories,
brands, attributes (with their options), families (with their attributes),
stores and price lists.

The same rules as product history (``catalog.history``): one whole-record
version (fields, texts in every language, and the rows edited with the record)
after each save that changed something, a readable diff, revert to any
earlier version, all or nothing, and pruning by age and count.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from parler.cache import _delete_cached_translations

from .history import changes, digest_of
from .models import (
    Attribute, AttributeOption, AttributeValue, Brand, Category, Family, FamilyAttribute, PriceList,
    ReferenceHistory, Store,
)

TRACKED_MODELS = (Category, Brand, Attribute, Family, Store, PriceList)


class RevertRefused(Exception):
    """The version no longer fits today's data; ``errors`` is {field: [message]}."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _plain(value):
    """A JSON-ready form of a field value (dates and decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _fields(obj):
    """Editable fields of the row; a foreign key by the related record's code."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            values[field.name] = related.code if related is not None else None
        else:
            values[field.name] = _plain(getattr(obj, field.attname))
    return values


def _texts(obj):
    fields = obj._parler_meta.get_all_fields()
    return {t.language_code: {name: getattr(t, name) for name in fields}
            for t in sorted(obj.translations.all(), key=lambda t: t.language_code)}


def snapshot(obj):
    """The record as a JSON-ready dict: fields, translations and its own rows."""
    data = {"fields": _fields(obj), "translations": _texts(obj)}
    if isinstance(obj, Attribute):
        data["options"] = [
            {"code": option.code, "position": option.position,
             "labels": {t.language_code: t.label for t in sorted(option.translations.all(),
                                                                  key=lambda t: t.language_code)}}
            for option in obj.options.prefetch_related("translations").order_by("position", "code")
        ]
    if isinstance(obj, Family):
        data["attributes"] = [
            {"attribute": link.attribute.code, "required": link.required, "position": link.position}
            for link in obj.family_attributes.select_related("attribute").order_by("position", "attribute__code")
        ]
    return data


def versions(obj):
    """The record's versions, newest first."""
    return ReferenceHistory.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def record(obj, *, user=None, comment=""):
    """Store the record's current state unless it equals its latest version; returns the version or None."""
    if not isinstance(obj, TRACKED_MODELS):
        return None
    data = snapshot(obj)
    digest = digest_of(data)
    latest = versions(obj).order_by("-created_at", "-pk").values_list("digest", flat=True).first()
    if latest == digest:
        return None
    return ReferenceHistory.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, label=getattr(obj, "code", "")[:255],
        data=data, digest=digest, user=user if getattr(user, "is_authenticated", False) else None,
        comment=comment[:255],
    )


def _flatten(data):
    flat = dict((data or {}).get("fields") or {})
    for language, texts in ((data or {}).get("translations") or {}).items():
        for name, value in texts.items():
            flat[f"{name}[{language}]"] = value
    for row in (data or {}).get("options") or []:
        flat[f"option:{row['code']}"] = f"{row['position']} " + json.dumps(row["labels"], ensure_ascii=False)
    for row in (data or {}).get("attributes") or []:
        flat[f"attribute:{row['attribute']}"] = f"{row['position']} {'required' if row['required'] else 'optional'}"
    return flat


def diff(old, new):
    """[(field, old value, new value)] between two versions (either may be None)."""
    return changes(_flatten(old), _flatten(new))


def revert(entry, *, user=None):
    """Bring the record back to ``entry`` and record the result as a new
    version. Raises RevertRefused (nothing changed) when the version names a
    record deleted since, clashes with another record, or would delete an
    option products still use."""
    model = entry.content_type.model_class()
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=entry.object_id)
        try:
            with transaction.atomic():
                _restore(obj, entry.data)
        except RevertRefused:
            _delete_cached_translations(obj)
            raise
        except IntegrityError:
            _delete_cached_translations(obj)
            raise RevertRefused({"code": [_("Another record already uses a code or slug of this version.")]})
        record(obj, user=user, comment=_("Reverted to the version of %(when)s") % {
            "when": timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")})
    return obj


def _restore(obj, data):
    errors = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name not in data["fields"]:
            continue
        value = data["fields"][field.name]
        if field.is_relation:
            related = field.related_model.objects.filter(code=value).first() if value else None
            if value and related is None:
                errors[field.name] = [_("%(code)s no longer exists.") % {"code": value}]
            setattr(obj, field.name, related)
        else:
            setattr(obj, field.attname, field.to_python(value))
    texts = data["translations"]
    for language in set(obj.get_available_languages()) - set(texts):
        obj.delete_translation(language)
    for language, values in texts.items():
        obj.set_current_language(language)
        for name, value in values.items():
            setattr(obj, name, value)
    try:
        obj.full_clean(exclude=[f.name for f in obj._meta.concrete_fields if f.is_relation], validate_unique=True)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise RevertRefused(errors)
    obj.save()
    if "options" in data:
        _restore_options(obj, data["options"])
    if "attributes" in data:
        _restore_family_attributes(obj, data["attributes"])


def _restore_options(attribute, rows):
    current = {option.code: option for option in AttributeOption.objects.filter(attribute=attribute)}
    wanted = {row["code"] for row in rows}
    gone = [option for code, option in current.items() if code not in wanted]
    used = [option.code for option in gone
            if AttributeValue.objects.filter(Q(option=option) | Q(options=option)).exists() or option.variants.exists()]
    if used:
        raise RevertRefused({"options": [_("Options still used by products cannot be removed: %(codes)s.")
                                         % {"codes": ", ".join(sorted(used))}]})
    for option in gone:
        option.delete()
    for row in rows:
        option = current.get(row["code"]) or AttributeOption(attribute=attribute, code=row["code"])
        option.position = row["position"]
        for language in set(option.get_available_languages()) - set(row["labels"]) if option.pk else ():
            option.delete_translation(language)
        for language, label in row["labels"].items():
            option.set_current_language(language)
            option.label = label
        option.save()


def _restore_family_attributes(family, rows):
    attributes = {a.code: a for a in Attribute.objects.filter(code__in=[row["attribute"] for row in rows])}
    missing = [row["attribute"] for row in rows if row["attribute"] not in attributes]
    if missing:
        raise RevertRefused({"attributes": [_("%(code)s no longer exists.") % {"code": ", ".join(missing)}]})
    FamilyAttribute.objects.filter(family=family).delete()
    FamilyAttribute.objects.bulk_create([
        FamilyAttribute(family=family, attribute=attributes[row["attribute"]], required=row["required"],
                        position=row["position"])
        for row in rows
    ])


def forget(obj):
    """Drop the versions of a deleted record."""
    versions(obj).delete()
