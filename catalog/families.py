"""What a product's family asks of it: which attributes it has and which are
required, and which required values are missing in a language."""

from .models import Attribute


def family_attribute_links(product):
    """FamilyAttribute rows of the product's family (prefetch-friendly)."""
    if not product.family_id:
        return []
    return list(product.family.family_attributes.all())


def values_by_attribute(product):
    """{(attribute_id, language_code): AttributeValue} from the prefetched values."""
    return {(v.attribute_id, v.language_code): v for v in product.attribute_values.all()}


def missing_attributes(product, language, attributes, values=None):
    """Codes of ``attributes`` that have no value for ``language``.

    Localizable attributes need a value in that very language (fallback is
    decided by the caller); others need their one language-neutral value.
    """
    values = values if values is not None else values_by_attribute(product)
    missing = []
    for attribute in attributes:
        key = (attribute.pk, language if attribute.localizable else "")
        value = values.get(key)
        if value is None or value.is_empty():
            missing.append(attribute.code)
    return missing


def missing_required_attributes(product, language, values=None):
    required = [link.attribute for link in family_attribute_links(product) if link.required]
    return missing_attributes(product, language, required, values)


def is_option_attribute(attribute):
    return attribute.type in (Attribute.Type.SELECT, Attribute.Type.MULTI_SELECT)
