"""The product truth: every model editors keep, split by domain."""

from .attributes import Attribute, AttributeOption, Family, FamilyAttribute
from .inventory import Stock, Store
from .media import ImageFile, ProductDocument, ProductImage, Rendition
from .pricing import Price, PriceList
from .products import AttributeValue, Product, ProductRelation, Variant
from .taxonomy import Brand, Category
from .workflow import ProductHistory, ReferenceHistory, ReviewEvent, TranslationStatus, TranslatorProfile

__all__ = [
    "Attribute", "AttributeOption", "AttributeValue", "Brand", "Category", "Family",
    "FamilyAttribute", "ImageFile", "Price", "PriceList", "Product", "ProductDocument",
    "ProductImage", "ProductRelation", "Rendition", "Stock", "Store", "Variant",
    "ProductHistory", "ReferenceHistory", "ReviewEvent", "TranslationStatus", "TranslatorProfile",
]
