"""What each demo product is: a pure function of (seed, index), so the same
seed always gives the same SKUs, names, prices and stock, and product 7 is
the same whether 60 or 100 000 products are loaded.

Product types repeat in a seed-shuffled cycle; that makes "the nearest
battery for this drill" (relations) and "the newer model" (replacement) a
matter of arithmetic instead of a search through the whole plan.
"""

import html
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from . import vocabulary as V
from .gtin import gtin13

VAT = Decimal("1.255")  # Finnish VAT 25.5 %: reseller prices are without it
RESELLER_DISCOUNT = Decimal("0.80")
PREORDER_DATE = date(2027, 3, 1)
CENT = Decimal("0.01")
NAME_MARK = "\ue000"  # a private-use character: never in real text


@dataclass
class VariantPlan:
    sku: str
    gtin: str
    axis: str  # attribute code of the axis (colour, size)
    option: str  # option code
    colour: str  # colour of its picture
    price: Decimal
    reseller_price: Decimal
    stock: dict  # store code -> quantity


@dataclass
class ProductPlan:
    index: int
    type_code: str
    sku: str
    gtin: str
    mpn: str
    brand: str
    family: str
    category: str
    model: str
    colour: str
    names: dict
    slugs: dict
    short_descriptions: dict
    description_parts: dict  # language -> (HTML element, …) with NAME_MARK for the name
    claims: dict
    attributes: list  # [(attribute code, language, value)]
    price: Decimal = None  # None when priced through variants only
    reseller_price: Decimal = None
    sale_price: Decimal = None
    stock: dict = field(default_factory=dict)
    variants: list = field(default_factory=list)
    weight_grams: int = None
    available_from: date = None
    backorder_allowed: bool = False
    discontinued: bool = False
    replacement_sku: str = ""
    relations: list = field(default_factory=list)  # [(kind, sku)]
    incomplete: str = ""  # "" | "bg-text" | "attribute"

    def description(self, language):
        """The description HTML (before sanitising) in one language."""
        name = html.escape(self.names[language], quote=False)
        return "".join(self.description_parts[language]).replace(NAME_MARK, name)


class Planner:
    """Plans products of one seed; ``count`` bounds the references between them."""

    def __init__(self, seed, count):
        self.seed = seed
        self.count = count
        order = sorted(V.PRODUCT_TYPES)
        random.Random(f"demo-types:{seed}").shuffle(order)
        self.cycle = order
        self.position = {code: pos for pos, code in enumerate(order)}
        # The sentences and claims that fit each type, worked out once.
        self.copy = {code: V.copy_for(code) for code in order}
        self.warranted = {code for code, (_names, members, _care) in V.FAMILIES.items()
                          if any(attribute == "warranty_years" for attribute, _required in members)}

    # --- arithmetic on the cycle ------------------------------------------------
    def type_of(self, index):
        return self.cycle[index % len(self.cycle)]

    def sku_of(self, index):
        return f"{V.PRODUCT_TYPES[self.type_of(index)]['prefix']}-{index + 1:06d}"

    def nearest(self, index, type_code):
        """The product of ``type_code`` in the same cycle as ``index`` (or the
        previous cycle when the catalog ends first); None when there is none."""
        size = len(self.cycle)
        candidate = index - index % size + self.position[type_code]
        if candidate >= self.count:
            candidate -= size
        return candidate if candidate >= 0 else None

    def incomplete_kind(self, index):
        """A few products are deliberately incomplete, so completeness shows something."""
        if index % 17 == 5:
            return "bg-text"  # Bulgarian texts not translated yet
        if index % 23 == 11 and self.required_attributes(self.type_of(index)):
            return "attribute"  # a required attribute is missing
        return ""

    @staticmethod
    def required_attributes(type_code):
        family = V.PRODUCT_TYPES[type_code]["family"]
        return [code for code, required in V.FAMILIES[family][1] if required]

    def is_discontinued(self, index):
        return index % 31 == 30 and index + len(self.cycle) < self.count

    # --- one product --------------------------------------------------------------
    def plan(self, index):
        rng = random.Random(f"demo:{self.seed}:{index}")
        type_code = self.type_of(index)
        kind = V.PRODUCT_TYPES[type_code]
        brand = V.BRANDS[kind["brand"]]
        number = rng.choice([10, 12, 14, 18, 20, 24, 30, 36, 40, 50])
        series = rng.choice(V.SERIES)
        model = f"{kind['prefix']}-{number}{' ' + series if series else ''}"
        sku = self.sku_of(index)
        names = {
            lang: f"{brand['name']} {kind['names'][lang].lower() if lang != 'en' else kind['names'][lang]} {model}"
            for lang in V.LANGUAGES
        }
        # Finnish, Hungarian, Russian and Bulgarian names keep the brand first
        # and the common noun in lower case; English keeps title-like case.
        slugs = {lang: f"{slugify(name, allow_unicode=True)}-{index + 1}" for lang, name in names.items()}
        sentences, claim_pool = self.copy[type_code]
        quality = rng.sample(sentences, 2)
        claims = rng.sample(claim_pool, 2)
        warranty = rng.choice([2, 3, 5])
        short_descriptions, description_parts, claim_texts = {}, {}, {}
        for lang in V.LANGUAGES:
            short_descriptions[lang] = f"<p>{kind['uses'][lang]}</p>"
            # Whole elements with the product name as NAME_MARK: the writer
            # sanitises each distinct part once (see write.description_html).
            description_parts[lang] = (
                f"<p><strong>{NAME_MARK}</strong>. {kind['uses'][lang]} {brand['origin'][lang]} "
                f"{quality[0][lang]} {quality[1][lang]}</p>",
                f"<ul><li>{claims[0][lang]}</li><li>{claims[1][lang]}</li></ul>",
                # The warranty the attribute states, where the family has one.
                *((f"<p>{V.warranty_sentence(warranty, lang)}</p>",) if kind["family"] in self.warranted else ()),
            )
            claim_texts[lang] = "\n".join(claim[lang] for claim in claims)
        incomplete = self.incomplete_kind(index)
        if incomplete == "bg-text":
            short_descriptions["bg"], description_parts["bg"] = "", ()

        colour = rng.choice(kind["colours"])
        product = ProductPlan(
            index=index, type_code=type_code, sku=sku,
            gtin=gtin13(index * 10), mpn=f"{kind['brand'][:3].upper()}{kind['prefix']}{number}{series[:1].upper()}",
            brand=kind["brand"], family=kind["family"], category=kind["category"], model=model, colour=colour,
            names=names, slugs=slugs, short_descriptions=short_descriptions, description_parts=description_parts,
            claims=claim_texts, attributes=[], incomplete=incomplete,
        )
        base = self._price(rng, kind["price"])
        product.attributes = self._attributes(rng, kind, product, warranty)
        if incomplete == "attribute":
            dropped = self.required_attributes(type_code)[0]
            product.attributes = [a for a in product.attributes if a[0] != dropped]
        weight = next((value for code, _lang, value in product.attributes if code == "weight"), None)
        product.weight_grams = int(weight * 1000) if weight else rng.randint(200, 3000)
        self._variants(rng, kind, product, base, index)
        if not product.variants:
            product.price = base
            product.reseller_price = self._reseller(base)
            product.stock = self._stock(rng)
            if rng.random() < 0.15:
                product.sale_price = self._price_from(base * Decimal("0.8"))
        if index % 29 == 13:
            product.available_from = PREORDER_DATE
            product.stock = {code: 0 for code in product.stock}
            for variant in product.variants:
                variant.stock = {code: 0 for code in variant.stock}
        product.backorder_allowed = index % 11 == 3
        if self.is_discontinued(index):
            product.discontinued = True
            product.replacement_sku = self.sku_of(index + len(self.cycle))
            product.relations.append(("replacement", product.replacement_sku))
        for relation_kind, target_type in V.RELATIONS.get(type_code, ()):
            target = self.nearest(index, target_type)
            if target is not None and target != index:
                product.relations.append((relation_kind, self.sku_of(target)))
        return product

    # --- pieces --------------------------------------------------------------------
    @staticmethod
    def _price_from(amount):
        """Shop prices end in .90."""
        return Decimal(int(amount)) + Decimal("0.90")

    def _price(self, rng, bounds):
        return self._price_from(Decimal(rng.randint(*bounds)))

    @staticmethod
    def _reseller(price):
        return (price / VAT * RESELLER_DISCOUNT).quantize(CENT, rounding=ROUND_HALF_UP)

    @staticmethod
    def _stock(rng):
        stock = {}
        for code, kind, *_rest in V.STORES:
            if kind == "warehouse":
                stock[code] = rng.choice([0, rng.randint(20, 500)])
            else:
                stock[code] = 0 if rng.random() < 0.15 else rng.randint(1, 40)
        return stock

    def _attributes(self, rng, kind, product, warranty):
        recipe = kind["attrs"]
        family_code = kind["family"]
        values, chosen = [], {}
        for code, _required in V.FAMILIES[family_code][1]:
            if code in ("colour", "size"):
                if code == "colour" and kind["axis"] != "colour":
                    values.append(("colour", "", product.colour))
                continue
            if code == "warranty_years":
                value = Decimal(warranty)
            elif code == "launch_date":
                value = date(rng.randint(2021, 2026), rng.randint(1, 12), 1)
            elif code == "model_code":
                value = product.model
            elif code == "care":
                care = V.CARE[self._care(kind, family_code, chosen)]
                for lang in V.LANGUAGES:
                    if not (lang == "bg" and product.incomplete == "bg-text"):
                        values.append((code, lang, care[lang]))
                continue
            elif code in recipe:
                value = self._value(rng, code, recipe[code])
                if code == "dishwasher_safe" and chosen.get("material") == "cast-iron":
                    value = False  # cast iron rusts in a dishwasher
            else:
                continue
            if value is not None:
                chosen[code] = value
                values.append((code, "", value))
        return values

    @staticmethod
    def _care(kind, family_code, chosen):
        """The care text that fits: the type's own, a pan's by its material and
        dishwasher safety, else the family's."""
        if "care" in kind:
            return kind["care"]
        if "hob" in kind["traits"]:
            if chosen.get("material") == "cast-iron":
                return "cast-iron"
            return "pan-dishwasher" if chosen.get("dishwasher_safe") else "pan"
        return V.FAMILIES[family_code][2]

    @staticmethod
    def _value(rng, code, spec):
        if code == "features":
            return sorted(rng.sample(spec, rng.randint(1, len(spec))))
        if code == "material":
            return rng.choice(spec)
        if isinstance(spec, bool):
            return spec
        if spec is None:  # a yes/no that varies
            return rng.random() < 0.5
        if isinstance(spec, list):
            return Decimal(rng.choice(spec))
        if len(spec) == 3:
            low, high, step = spec
            return Decimal(rng.randrange(low, high + 1, step))
        low, high = spec
        if isinstance(low, float) or isinstance(high, float):
            return Decimal(str(round(rng.uniform(low, high), 1)))
        return Decimal(rng.randint(low, high))

    def _variants(self, rng, kind, product, base, index):
        axis = kind["axis"]
        if axis == "size":
            options = [code for code, _labels, _rgb in V.OPTIONS["size"]]
        elif axis == "colour" and len(kind["colours"]) > 1 and rng.random() < 0.7:
            options = sorted(rng.sample(kind["colours"], rng.randint(2, len(kind["colours"]))),
                             key=kind["colours"].index)
            product.colour = options[0]
        else:
            return
        for number, option in enumerate(options, start=1):
            price = base if axis == "size" or number == 1 else base + Decimal(rng.choice([0, 0, 5, 10]))
            product.variants.append(VariantPlan(
                sku=f"{product.sku}-{option.upper()}", gtin=gtin13(index * 10 + number),
                axis=axis, option=option, colour=option if axis == "colour" else product.colour,
                price=price, reseller_price=self._reseller(price), stock=self._stock(rng),
            ))
