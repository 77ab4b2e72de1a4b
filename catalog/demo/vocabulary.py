"""The words of the demo catalog in every language: categories, brands,
attributes and their options, families, product types, stores and texts.

Plain data with the few rules that pick from it; ``reference.py`` turns it
into rows and ``plan.py`` combines it into products. Every text exists in
en, fi, hu, ru and bg.
"""

LANGUAGES = ("en", "fi", "hu", "ru", "bg")


def t(en, fi, hu, ru, bg):
    """{language: text} in the fixed language order."""
    return dict(zip(LANGUAGES, (en, fi, hu, ru, bg)))


# --- categories: (code, parent code, names, Google product category id) -------
# Google taxonomy ids are set where the mapping is unambiguous; deeper nodes
# inherit their ancestor's id in marketplace feeds.
CATEGORIES = [
    ("tools", None, t("Tools", "Työkalut", "Szerszámok", "Инструменты", "Инструменти"), "1167"),
    ("power-tools", "tools", t("Power tools", "Sähkötyökalut", "Elektromos kéziszerszámok",
                               "Электроинструменты", "Електроинструменти"), "1167"),
    ("drills", "power-tools", t("Drills", "Porakoneet", "Fúrógépek", "Дрели", "Бормашини"), ""),
    ("saws", "power-tools", t("Saws", "Sahat", "Fűrészek", "Пилы", "Циркуляри и триони"), ""),
    ("grinders", "power-tools", t("Grinders", "Hiomakoneet", "Csiszológépek", "Шлифмашины", "Шлифмашини"), ""),
    ("hand-tools", "tools", t("Hand tools", "Käsityökalut", "Kéziszerszámok", "Ручной инструмент",
                              "Ръчни инструменти"), "1167"),
    ("hammers", "hand-tools", t("Hammers", "Vasarat", "Kalapácsok", "Молотки", "Чукове"), ""),
    ("screwdrivers", "hand-tools", t("Screwdrivers", "Ruuvimeisselit", "Csavarhúzók", "Отвёртки", "Отвертки"), ""),
    ("tool-accessories", "tools", t("Tool accessories", "Työkalutarvikkeet", "Szerszámtartozékok",
                                    "Аксессуары для инструментов", "Аксесоари за инструменти"), "3650"),
    ("batteries", "tool-accessories", t("Batteries and chargers", "Akut ja laturit", "Akkumulátorok és töltők",
                                        "Аккумуляторы и зарядные устройства", "Батерии и зарядни"), ""),
    ("bits-blades", "tool-accessories", t("Bits and blades", "Terät ja kärjet", "Fúrószárak és fűrészlapok",
                                          "Свёрла и диски", "Свредла и дискове"), ""),
    ("garden", None, t("Garden", "Puutarha", "Kert", "Сад", "Градина"), "689"),
    ("garden-machines", "garden", t("Garden machines", "Puutarhakoneet", "Kerti gépek", "Садовая техника",
                                    "Градинска техника"), "3798"),
    ("lawn-mowers", "garden-machines", t("Lawn mowers", "Ruohonleikkurit", "Fűnyírók", "Газонокосилки",
                                         "Косачки за трева"), "694"),
    ("hedge-trimmers", "garden-machines", t("Hedge trimmers", "Pensasleikkurit", "Sövényvágók", "Кусторезы",
                                            "Храсторези"), ""),
    ("watering", "garden", t("Watering", "Kastelu", "Öntözés", "Полив", "Поливане"), "3568"),
    ("hoses", "watering", t("Hoses", "Letkut", "Tömlők", "Шланги", "Маркучи"), ""),
    ("sprinklers", "watering", t("Sprinklers", "Sadettimet", "Locsolók", "Дождеватели", "Разпръсквачи"), ""),
    ("garden-wear", "garden", t("Garden wear", "Puutarhavaatteet", "Kerti ruházat", "Садовая одежда",
                                "Градинско облекло"), ""),
    ("gloves", "garden-wear", t("Gloves", "Käsineet", "Kesztyűk", "Перчатки", "Ръкавици"), ""),
    ("kitchen", None, t("Kitchen", "Keittiö", "Konyha", "Кухня", "Кухня"), "638"),
    ("small-appliances", "kitchen", t("Small appliances", "Keittiökoneet", "Konyhai kisgépek",
                                      "Малая кухонная техника", "Малки уреди"), "730"),
    ("coffee-makers", "small-appliances", t("Coffee makers", "Kahvinkeittimet", "Kávéfőzők", "Кофеварки",
                                            "Кафемашини"), "736"),
    ("kettles", "small-appliances", t("Kettles", "Vedenkeittimet", "Vízforralók", "Электрочайники",
                                      "Електрически кани"), ""),
    ("blenders", "small-appliances", t("Blenders", "Tehosekoittimet", "Turmixgépek", "Блендеры", "Блендери"), ""),
    ("cookware", "kitchen", t("Cookware", "Keittiövälineet", "Edények", "Посуда", "Съдове за готвене"), "654"),
    ("pans", "cookware", t("Frying pans", "Paistinpannut", "Serpenyők", "Сковороды", "Тигани"), ""),
    ("knives", "cookware", t("Knives", "Veitset", "Kések", "Ножи", "Ножове"), ""),
]

CATEGORY_DESCRIPTION = t(
    "Everything in {name}, chosen for lasting use.",
    "Kaikki {name} -tuotteet, valittu kestämään.",
    "{name} – tartós használatra válogatva.",
    "{name}: всё для долгой работы.",
    "{name}: подбрани за дълга употреба.",
)

# --- brands: code -> name, country (ISO 3166), description, origin sentence ---
# The origin sentence goes into every product description of the brand, so a
# Hungarian brand's products never say they were designed in Finland.
BRANDS = {
    "nordtool": dict(
        name="Nordtool", country="FI",
        description=t(
            "Finnish power tools since 1987, built for cold workshops.",
            "Suomalaisia sähkötyökaluja vuodesta 1987, tehty kylmiin verstaisiin.",
            "Finn elektromos szerszámok 1987 óta, hideg műhelyekre tervezve.",
            "Финские электроинструменты с 1987 года для холодных мастерских.",
            "Финландски електроинструменти от 1987 г., създадени за студени работилници.",
        ),
        origin=t(
            "Designed in Finland and tested in Finnish workshops.",
            "Suunniteltu Suomessa ja testattu suomalaisissa verstaissa.",
            "Finnországban tervezve, finn műhelyekben tesztelve.",
            "Разработано в Финляндии и испытано в финских мастерских.",
            "Проектирано във Финландия и изпитано във финландски работилници.",
        ),
    ),
    "revontuli": dict(
        name="Revontuli", country="FI",
        description=t(
            "Hand tools forged in Lapland, each one checked by hand.",
            "Lapissa taottuja käsityökaluja, jokainen tarkastettu käsin.",
            "Lappföldön kovácsolt kéziszerszámok, mindegyiket kézzel ellenőrizzük.",
            "Ручной инструмент, кованный в Лапландии; каждый проверен вручную.",
            "Ръчни инструменти, ковани в Лапландия, всеки проверен на ръка.",
        ),
        origin=t(
            "Forged and checked by hand in Finnish Lapland.",
            "Taottu ja tarkastettu käsin Suomen Lapissa.",
            "A finnországi Lappföldön kovácsolva, kézzel ellenőrizve.",
            "Выковано и проверено вручную в финской Лапландии.",
            "Ковано и проверено на ръка във финландска Лапландия.",
        ),
    ),
    "kerteszfia": dict(
        name="Kertész & Fia", country="HU",
        description=t(
            "Garden machines from a Hungarian family workshop.",
            "Puutarhakoneita unkarilaisesta perheyrityksestä.",
            "Kerti gépek egy magyar családi műhelyből.",
            "Садовая техника из венгерской семейной мастерской.",
            "Градинска техника от унгарска семейна работилница.",
        ),
        origin=t(
            "Designed and assembled in Hungary.",
            "Suunniteltu ja koottu Unkarissa.",
            "Magyarországon tervezve és összeszerelve.",
            "Разработано и собрано в Венгрии.",
            "Проектирано и сглобено в Унгария.",
        ),
    ),
    "rila": dict(
        name="Rila Kitchen", country="BG",
        description=t(
            "Kitchen appliances designed in Sofia for everyday cooking.",
            "Sofiassa suunniteltuja keittiökoneita arjen ruoanlaittoon.",
            "Szófiában tervezett konyhai gépek a mindennapi főzéshez.",
            "Кухонная техника, созданная в Софии для каждодневной готовки.",
            "Кухненски уреди, проектирани в София за всекидневно готвене.",
        ),
        origin=t(
            "Designed in Sofia, Bulgaria.",
            "Suunniteltu Bulgarian Sofiassa.",
            "Bulgáriában, Szófiában tervezve.",
            "Разработано в Софии (Болгария).",
            "Проектирано в София, България.",
        ),
    ),
    "sampo": dict(
        name="Sampo Home", country="FI",
        description=t(
            "Cookware that lasts a lifetime, made in Finland.",
            "Elinikäisiä keittiövälineitä, valmistettu Suomessa.",
            "Egy életre szóló edények, Finnországban gyártva.",
            "Посуда на всю жизнь, сделанная в Финляндии.",
            "Съдове за цял живот, произведени във Финландия.",
        ),
        origin=t(
            "Made in Finland.",
            "Valmistettu Suomessa.",
            "Finnországban készült.",
            "Сделано в Финляндии.",
            "Произведено във Финландия.",
        ),
    ),
}

# --- attributes ----------------------------------------------------------------
# (code, type, unit, decimal places, localizable, variant axis, label)
ATTRIBUTES = [
    ("power", "measurement", "W", 0, False, False, t("Power", "Teho", "Teljesítmény", "Мощность", "Мощност")),
    ("voltage", "measurement", "V", 0, False, False, t("Voltage", "Jännite", "Feszültség", "Напряжение",
                                                       "Напрежение")),
    ("weight", "measurement", "kg", 1, False, False, t("Weight", "Paino", "Tömeg", "Вес", "Тегло")),
    ("capacity", "measurement", "l", 1, False, False, t("Capacity", "Tilavuus", "Űrtartalom", "Объём", "Обем")),
    ("cutting_width", "measurement", "cm", 0, False, False, t("Cutting width", "Leikkuuleveys", "Vágásszélesség",
                                                              "Ширина скашивания", "Работна ширина")),
    ("length", "measurement", "m", 0, False, False, t("Length", "Pituus", "Hossz", "Длина", "Дължина")),
    ("diameter", "measurement", "mm", 0, False, False, t("Diameter", "Halkaisija", "Átmérő", "Диаметр",
                                                         "Диаметър")),
    ("noise", "measurement", "dB", 0, False, False, t("Noise level", "Melutaso", "Zajszint", "Уровень шума",
                                                      "Ниво на шума")),
    ("battery_included", "boolean", "", 0, False, False, t("Battery included", "Akku mukana",
                                                           "Akkumulátorral", "Аккумулятор в комплекте",
                                                           "С батерия")),
    ("dishwasher_safe", "boolean", "", 0, False, False, t("Dishwasher safe", "Konepesun kestävä",
                                                          "Mosogatógépben mosható", "Можно мыть в посудомойке",
                                                          "За съдомиялна")),
    ("warranty_years", "number", "", 0, False, False, t("Warranty (years)", "Takuu (vuotta)", "Garancia (év)",
                                                        "Гарантия (лет)", "Гаранция (години)")),
    ("launch_date", "date", "", 0, False, False, t("Launch date", "Julkaisupäivä", "Megjelenés dátuma",
                                                   "Дата выхода", "Дата на пускане")),
    ("model_code", "text", "", 0, False, False, t("Model", "Malli", "Modell", "Модель", "Модел")),
    ("care", "text", "", 0, True, False, t("Care", "Hoito-ohje", "Ápolás", "Уход", "Грижа")),
    ("material", "select", "", 0, False, False, t("Material", "Materiaali", "Anyag", "Материал", "Материал")),
    ("features", "multi_select", "", 0, False, False, t("Features", "Ominaisuudet", "Jellemzők", "Особенности",
                                                        "Характеристики")),
    ("colour", "select", "", 0, False, True, t("Colour", "Väri", "Szín", "Цвет", "Цвят")),
    ("size", "select", "", 0, False, True, t("Size", "Koko", "Méret", "Размер", "Размер")),
]

OPTIONS = {
    "colour": [
        ("black", t("Black", "Musta", "Fekete", "Чёрный", "Черен"), (30, 30, 34)),
        ("red", t("Red", "Punainen", "Piros", "Красный", "Червен"), (200, 40, 45)),
        ("green", t("Green", "Vihreä", "Zöld", "Зелёный", "Зелен"), (40, 140, 70)),
        ("blue", t("Blue", "Sininen", "Kék", "Синий", "Син"), (30, 90, 180)),
        ("yellow", t("Yellow", "Keltainen", "Sárga", "Жёлтый", "Жълт"), (235, 185, 20)),
        ("white", t("White", "Valkoinen", "Fehér", "Белый", "Бял"), (235, 235, 230)),
        ("steel", t("Steel grey", "Teräksenharmaa", "Acélszürke", "Стальной", "Стоманеносив"), (130, 138, 145)),
    ],
    "size": [
        ("s", t("S", "S", "S", "S", "S"), None),
        ("m", t("M", "M", "M", "M", "M"), None),
        ("l", t("L", "L", "L", "L", "L"), None),
        ("xl", t("XL", "XL", "XL", "XL", "XL"), None),
    ],
    "material": [
        ("steel", t("Steel", "Teräs", "Acél", "Сталь", "Стомана"), None),
        ("stainless", t("Stainless steel", "Ruostumaton teräs", "Rozsdamentes acél", "Нержавеющая сталь",
                        "Неръждаема стомана"), None),
        ("aluminium", t("Aluminium", "Alumiini", "Alumínium", "Алюминий", "Алуминий"), None),
        ("cast-iron", t("Cast iron", "Valurauta", "Öntöttvas", "Чугун", "Чугун"), None),
        ("plastic", t("Plastic", "Muovi", "Műanyag", "Пластик", "Пластмаса"), None),
        ("rubber", t("Rubber", "Kumi", "Gumi", "Резина", "Гума"), None),
        ("leather", t("Leather", "Nahka", "Bőr", "Кожа", "Кожа"), None),
        ("glass", t("Glass", "Lasi", "Üveg", "Стекло", "Стъкло"), None),
    ],
    "features": [
        ("brushless", t("Brushless motor", "Harjaton moottori", "Szénkefe nélküli motor",
                        "Бесщёточный двигатель", "Безчетков мотор"), None),
        ("led", t("LED work light", "LED-työvalo", "LED munkalámpa", "Светодиодная подсветка",
                  "LED осветление"), None),
        ("quick-chuck", t("Quick-release chuck", "Pikaistukka", "Gyorstokmány", "Быстрозажимной патрон",
                          "Бързозатягащ патронник"), None),
        ("soft-grip", t("Soft grip", "Pehmeä kahva", "Puha markolat", "Мягкая рукоятка", "Мека дръжка"), None),
        ("auto-off", t("Automatic shut-off", "Automaattinen virrankatkaisu", "Automatikus kikapcsolás",
                       "Автоотключение", "Автоматично изключване"), None),
        ("frost-proof", t("Frost-proof", "Pakkasenkestävä", "Fagyálló", "Морозостойкий", "Устойчив на замръзване"),
         None),
        ("induction", t("Induction ready", "Induktiolle sopiva", "Indukciós főzőlapra", "Для индукционных плит",
                        "За индукционни котлони"), None),
        ("timer", t("Timer", "Ajastin", "Időzítő", "Таймер", "Таймер"), None),
    ],
}

# Care texts by key: a family names its usual one; a product type may name
# its own ("care" in PRODUCT_TYPES), and a pan's depends on its material and
# whether it is dishwasher safe (plan.Planner._care).
CARE = {
    "tool": t("Keep dry and clean the vents after use.",
              "Säilytä kuivassa ja puhdista tuuletusaukot käytön jälkeen.",
              "Tárolja szárazon, használat után tisztítsa meg a szellőzőnyílásokat.",
              "Хранить в сухом месте, после работы очищать вентиляционные отверстия.",
              "Съхранявайте на сухо и почиствайте вентилационните отвори след употреба."),
    "garden-machine": t("Clean the blades after use and store dry over the winter.",
                        "Puhdista terät käytön jälkeen ja säilytä talvi kuivassa.",
                        "Használat után tisztítsa meg a késeket, télen száraz helyen tárolja.",
                        "После работы очищать ножи, зимой хранить в сухом месте.",
                        "Почиствайте ножовете след употреба и съхранявайте на сухо през зимата."),
    "garden": t("Empty and store frost-free over winter.",
                "Tyhjennä ja säilytä talvella lämpimässä.",
                "Télen ürítse ki, és fagymentes helyen tárolja.",
                "На зиму опорожнить и хранить в тёплом месте.",
                "През зимата изпразнете и съхранявайте на топло."),
    "kitchen": t("Wipe with a damp cloth; descale every month.",
                 "Pyyhi kostealla liinalla; poista kalkki kuukausittain.",
                 "Nedves ruhával törölje át; havonta vízkőtelenítse.",
                 "Протирать влажной тканью; удалять накипь ежемесячно.",
                 "Избърсвайте с влажна кърпа; почиствайте от котлен камък всеки месец."),
    "blender": t("Rinse the jug right after use; wipe the base with a damp cloth.",
                 "Huuhtele kannu heti käytön jälkeen; pyyhi runko kostealla liinalla.",
                 "A kancsót használat után azonnal öblítse ki, a talpat nedves ruhával törölje át.",
                 "Сразу после работы ополаскивать чашу, корпус протирать влажной тканью.",
                 "Изплаквайте каната веднага след употреба; избърсвайте основата с влажна кърпа."),
    "cast-iron": t("Wash by hand and dry at once; oil the surface now and then.",
                   "Pese käsin ja kuivaa heti; öljyä pinta silloin tällöin.",
                   "Kézzel mosogassa, és azonnal törölje szárazra; időnként olajozza be.",
                   "Мыть вручную и сразу вытирать; время от времени смазывать маслом.",
                   "Мийте на ръка и подсушавайте веднага; от време на време намаслявайте."),
    "pan": t("Wash by hand with a soft sponge; avoid metal utensils.",
             "Pese käsin pehmeällä sienellä; vältä metallisia välineitä.",
             "Puha szivaccsal, kézzel mosogassa; ne használjon fém eszközöket.",
             "Мыть вручную мягкой губкой; не использовать металлические лопатки.",
             "Мийте на ръка с мека гъба; избягвайте метални прибори."),
    "pan-dishwasher": t("Dishwasher safe; dry at once to keep the surface bright.",
                        "Kestää konepesun; kuivaa heti, niin pinta pysyy kirkkaana.",
                        "Mosogatógépben mosható; azonnal törölje szárazra, hogy a felülete fényes maradjon.",
                        "Можно мыть в посудомоечной машине; сразу вытирать, чтобы поверхность оставалась блестящей.",
                        "Може да се мие в съдомиялна; подсушавайте веднага, за да остане повърхността лъскава."),
    "knife": t("Wash by hand, dry at once and keep in a knife block.",
               "Pese käsin, kuivaa heti ja säilytä veitsitelineessä.",
               "Kézzel mosogassa, azonnal törölje szárazra, és késtartóban tárolja.",
               "Мыть вручную, сразу вытирать и хранить в подставке для ножей.",
               "Мийте на ръка, подсушавайте веднага и съхранявайте в поставка за ножове."),
}

# --- families: code -> (names, [(attribute code, required)], care key) ----------
FAMILIES = {
    "power_tool": (t("Power tool", "Sähkötyökalu", "Elektromos szerszám", "Электроинструмент", "Електроинструмент"),
                   [("power", True), ("voltage", True), ("weight", True), ("battery_included", False),
                    ("colour", False), ("features", False), ("noise", False), ("warranty_years", False),
                    ("launch_date", False), ("model_code", False), ("care", False)], "tool"),
    "hand_tool": (t("Hand tool", "Käsityökalu", "Kéziszerszám", "Ручной инструмент", "Ръчен инструмент"),
                  [("weight", True), ("material", True), ("features", False), ("warranty_years", False),
                   ("model_code", False)], None),
    "accessory": (t("Accessory", "Tarvike", "Tartozék", "Аксессуар", "Аксесоар"),
                  [("material", False), ("voltage", False), ("diameter", False), ("weight", False),
                   ("model_code", False)], None),
    "garden_machine": (t("Garden machine", "Puutarhakone", "Kerti gép", "Садовая техника", "Градинска машина"),
                       [("power", True), ("cutting_width", True), ("weight", True), ("noise", False),
                        ("battery_included", False), ("features", False), ("warranty_years", False),
                        ("launch_date", False), ("model_code", False), ("care", False)], "garden-machine"),
    "watering": (t("Watering", "Kastelu", "Öntözés", "Полив", "Поливане"),
                 [("length", False), ("diameter", False), ("material", True), ("features", False),
                  ("colour", False), ("care", False), ("model_code", False)], "garden"),
    "garden_wear": (t("Garden wear", "Puutarhavaate", "Kerti ruházat", "Садовая одежда", "Градинско облекло"),
                    [("material", True), ("size", False), ("model_code", False)], None),
    "kitchen_appliance": (t("Kitchen appliance", "Keittiökone", "Konyhai gép", "Кухонный прибор", "Кухненски уред"),
                          [("power", True), ("capacity", False), ("voltage", False), ("colour", False),
                           ("features", False), ("warranty_years", False), ("launch_date", False),
                           ("model_code", False), ("care", True)], "kitchen"),
    "cookware": (t("Cookware", "Keittiöväline", "Edény", "Посуда", "Съд за готвене"),
                 [("material", True), ("diameter", False), ("dishwasher_safe", False), ("features", False),
                  ("weight", False), ("colour", False), ("model_code", False), ("care", False)], "pan"),
}

# --- product types -------------------------------------------------------------
# code: dict(category, family, brand, prefix (model code letters), names,
#   uses (a sentence per language), axis ("colour"/"size"/None),
#   colours (codes), price range (EUR), shape of the picture, traits (what
#   the product is, for the copy below: "handheld", "winter" (used or
#   kept out in the cold), "consumable" (worn out in use), "hob", "knife"),
#   care (a CARE key instead of the family's), attribute recipe)
PRODUCT_TYPES = {
    "drill": dict(
        category="drills", family="power_tool", brand="nordtool", prefix="PD", axis="colour",
        colours=["blue", "black", "red"], price=(79, 249), shape="circle", traits=("handheld", "winter"),
        names=t("Cordless drill", "Akkuporakone", "Akkus fúró-csavarozó", "Аккумуляторная дрель",
                "Акумулаторна бормашина"),
        uses=t("Drills and drives screws in wood, metal and masonry.",
               "Poraa ja ruuvaa puuhun, metalliin ja tiileen.",
               "Fúr és csavaroz fában, fémben és téglában.",
               "Сверлит и закручивает шурупы в дереве, металле и кирпиче.",
               "Пробива и завива в дърво, метал и тухла."),
        attrs=dict(power=(300, 800, 50), voltage=[12, 18], weight=(1.1, 2.4), battery_included=True,
                   features=["brushless", "led", "quick-chuck", "soft-grip"], noise=(70, 85)),
    ),
    "hammer-drill": dict(
        category="drills", family="power_tool", brand="nordtool", prefix="HD", axis=None,
        colours=["blue"], price=(119, 329), shape="circle", traits=("handheld", "winter"),
        names=t("Hammer drill", "Iskuporakone", "Ütvefúrógép", "Ударная дрель", "Ударна бормашина"),
        uses=t("Hammer action for concrete and brick walls.",
               "Iskutoiminto betoniin ja tiiliseiniin.",
               "Ütvefunkció betonhoz és téglafalhoz.",
               "Ударный режим для бетона и кирпичных стен.",
               "Ударен режим за бетон и тухлени стени."),
        attrs=dict(power=(600, 1100, 50), voltage=[230], weight=(2.0, 3.5), battery_included=False,
                   features=["led", "soft-grip"], noise=(88, 98)),
    ),
    "circular-saw": dict(
        category="saws", family="power_tool", brand="nordtool", prefix="CS", axis=None,
        colours=["blue"], price=(99, 289), shape="disc", traits=("handheld", "winter"),
        names=t("Circular saw", "Pyörösaha", "Körfűrész", "Циркулярная пила", "Ръчен циркуляр"),
        uses=t("Straight, clean cuts in boards and panels.",
               "Suorat ja siistit leikkaukset lautoihin ja levyihin.",
               "Egyenes, tiszta vágás deszkában és lapokban.",
               "Ровный чистый рез досок и плит.",
               "Прави и чисти разрези на дъски и плоскости."),
        attrs=dict(power=(1200, 1800, 100), voltage=[230], weight=(3.2, 5.0), battery_included=False,
                   features=["led", "soft-grip"], noise=(92, 102)),
    ),
    "jigsaw": dict(
        category="saws", family="power_tool", brand="nordtool", prefix="JS", axis="colour",
        colours=["blue", "yellow"], price=(69, 199), shape="triangle", traits=("handheld", "winter"),
        names=t("Jigsaw", "Pistosaha", "Szúrófűrész", "Электролобзик", "Прободен трион"),
        uses=t("Curves and cut-outs in wood, plastic and thin metal.",
               "Kaarret ja aukot puuhun, muoviin ja ohueen metalliin.",
               "Ívek és kivágások fában, műanyagban és vékony fémben.",
               "Фигурный рез по дереву, пластику и тонкому металлу.",
               "Фигурно рязане на дърво, пластмаса и тънък метал."),
        attrs=dict(power=(450, 800, 50), voltage=[18, 230], weight=(1.8, 2.8),
                   features=["led", "soft-grip", "brushless"], noise=(85, 95)),
    ),
    "angle-grinder": dict(
        category="grinders", family="power_tool", brand="nordtool", prefix="AG", axis=None,
        colours=["blue"], price=(59, 219), shape="disc", traits=("handheld", "winter"),
        names=t("Angle grinder", "Kulmahiomakone", "Sarokcsiszoló", "Угловая шлифмашина", "Ъглошлайф"),
        uses=t("Cuts and grinds metal, tiles and stone.",
               "Katkaisee ja hioo metallia, laattoja ja kiveä.",
               "Vág és csiszol fémet, csempét és követ.",
               "Режет и шлифует металл, плитку и камень.",
               "Реже и шлайфа метал, плочки и камък."),
        attrs=dict(power=(700, 2000, 100), voltage=[230], weight=(1.7, 4.5), battery_included=False,
                   features=["soft-grip"], noise=(90, 100)),
    ),
    "hammer": dict(
        category="hammers", family="hand_tool", brand="revontuli", prefix="KH", axis=None,
        colours=["steel"], price=(19, 59), shape="square", traits=("handheld",),
        names=t("Claw hammer", "Kynsivasara", "Szöghúzó kalapács", "Молоток-гвоздодёр", "Чук с кози крак"),
        uses=t("Drives and pulls nails with a forged steel head.",
               "Lyö ja vetää nauloja taotulla teräspäällä.",
               "Kovácsolt acélfejjel veri be és húzza ki a szögeket.",
               "Забивает и вытаскивает гвозди кованым стальным бойком.",
               "Кована стоманена глава за забиване и вадене на пирони."),
        attrs=dict(weight=(0.4, 0.9), material=["steel"], features=["soft-grip"]),
    ),
    "screwdriver-set": dict(
        category="screwdrivers", family="hand_tool", brand="revontuli", prefix="RS", axis=None,
        colours=["red"], price=(15, 49), shape="bars", traits=("handheld",),
        names=t("Screwdriver set", "Ruuvimeisselisarja", "Csavarhúzókészlet", "Набор отвёрток",
                "Комплект отвертки"),
        uses=t("Slotted and cross-head drivers for every screw at home.",
               "Ura- ja ristipäämeisselit kodin jokaiseen ruuviin.",
               "Lapos és csillagfejű csavarhúzók minden otthoni csavarhoz.",
               "Шлицевые и крестовые отвёртки для любых винтов в доме.",
               "Плоски и кръстати отвертки за всеки винт у дома."),
        attrs=dict(weight=(0.3, 0.8), material=["steel"], features=["soft-grip"]),
    ),
    "battery": dict(
        category="batteries", family="accessory", brand="nordtool", prefix="BP", axis=None,
        colours=["black"], price=(39, 119), shape="square", traits=(),
        names=t("Battery pack", "Akku", "Akkumulátor", "Аккумулятор", "Акумулаторна батерия"),
        uses=t("Fits every tool of the 18 V platform.",
               "Sopii kaikkiin 18 V:n alustan työkaluihin.",
               "A 18 V-os platform minden szerszámához illik.",
               "Подходит ко всем инструментам платформы 18 В.",
               "Подходяща за всички инструменти от платформата 18 В."),
        attrs=dict(voltage=[18], weight=(0.3, 0.7), material=["plastic"]),
    ),
    "drill-bits": dict(
        category="bits-blades", family="accessory", brand="nordtool", prefix="DB", axis=None,
        colours=["steel"], price=(12, 45), shape="bars", traits=("consumable",),
        names=t("Drill bit set", "Poranterasarja", "Fúrószárkészlet", "Набор свёрл", "Комплект свредла"),
        uses=t("Bits for wood, metal and concrete in one case.",
               "Terät puuhun, metalliin ja betoniin samassa kotelossa.",
               "Fúrószárak fához, fémhez és betonhoz egy dobozban.",
               "Свёрла по дереву, металлу и бетону в одном кейсе.",
               "Свредла за дърво, метал и бетон в една кутия."),
        attrs=dict(material=["steel"], diameter=(3, 10)),
    ),
    "saw-blade": dict(
        category="bits-blades", family="accessory", brand="nordtool", prefix="SB", axis=None,
        colours=["steel"], price=(14, 39), shape="disc", traits=("consumable",),
        names=t("Saw blade", "Sahanterä", "Fűrészlap", "Пильный диск", "Диск за циркуляр"),
        uses=t("Carbide teeth for clean cuts in wood.",
               "Kovametallihampaat siistiin leikkaukseen puussa.",
               "Keményfém fogak a tiszta vágáshoz fában.",
               "Твердосплавные зубья для чистого реза древесины.",
               "Твърдосплавни зъби за чист разрез в дърво."),
        attrs=dict(material=["steel"], diameter=(160, 235)),
    ),
    "lawn-mower": dict(
        category="lawn-mowers", family="garden_machine", brand="kerteszfia", prefix="LM", axis=None,
        colours=["green"], price=(189, 649), shape="square", traits=(),
        names=t("Lawn mower", "Ruohonleikkuri", "Fűnyíró", "Газонокосилка", "Косачка за трева"),
        uses=t("Mows and collects grass in one pass.",
               "Leikkaa ja kerää ruohon yhdellä kertaa.",
               "Egy menetben nyírja és gyűjti a füvet.",
               "Косит и собирает траву за один проход.",
               "Коси и събира тревата с едно минаване."),
        attrs=dict(power=(1000, 1800, 100), cutting_width=(32, 46), weight=(11, 28), noise=(85, 96),
                   battery_included=False, features=["auto-off"]),
    ),
    "hedge-trimmer": dict(
        category="hedge-trimmers", family="garden_machine", brand="kerteszfia", prefix="HT", axis=None,
        colours=["green"], price=(79, 259), shape="bars", traits=("handheld",),
        names=t("Hedge trimmer", "Pensasleikkuri", "Sövényvágó", "Кусторез", "Храсторез"),
        uses=t("Shapes hedges and bushes with double-sided blades.",
               "Muotoilee pensasaidat kaksipuolisilla terillä.",
               "Kétoldalú késekkel formázza a sövényt és a bokrokat.",
               "Формирует живую изгородь двусторонними ножами.",
               "Оформя живи плетове с двустранни ножове."),
        attrs=dict(power=(450, 700, 50), cutting_width=(45, 65), weight=(2.5, 4.2), noise=(88, 96),
                   battery_included=False, features=["soft-grip"]),
    ),
    "garden-hose": dict(
        category="hoses", family="watering", brand="kerteszfia", prefix="GH", axis="colour",
        colours=["green", "yellow", "black"], price=(19, 69), shape="circle", traits=("winter",),
        names=t("Garden hose", "Puutarhaletku", "Kerti tömlő", "Садовый шланг", "Градински маркуч"),
        uses=t("Kink-free hose that stays soft in the cold.",
               "Taittumaton letku, joka pysyy pehmeänä kylmässä.",
               "Megtörésmentes tömlő, hidegben is puha marad.",
               "Шланг не перегибается и остаётся мягким на холоде.",
               "Маркуч, който не се прегъва и остава мек на студа."),
        attrs=dict(length=(15, 50), diameter=(13, 19), material=["rubber", "plastic"], features=["frost-proof"]),
    ),
    "sprinkler": dict(
        category="sprinklers", family="watering", brand="kerteszfia", prefix="SP", axis=None,
        colours=["yellow"], price=(15, 59), shape="triangle", traits=("winter",),
        names=t("Sprinkler", "Sadetin", "Locsoló", "Дождеватель", "Разпръсквач"),
        uses=t("Waters lawns evenly up to 300 m².",
               "Kastelee nurmikon tasaisesti jopa 300 m²:n alalta.",
               "Akár 300 m² gyepet is egyenletesen öntöz.",
               "Равномерно поливает газон площадью до 300 м².",
               "Полива равномерно морава до 300 м²."),
        attrs=dict(material=["plastic", "aluminium"], features=["frost-proof", "timer"]),
    ),
    "gloves": dict(
        category="gloves", family="garden_wear", brand="kerteszfia", prefix="GG", axis="size",
        colours=["green"], price=(9, 29), shape="square", traits=("winter",),
        names=t("Garden gloves", "Puutarhakäsineet", "Kerti kesztyű", "Садовые перчатки", "Градински ръкавици"),
        uses=t("Breathable gloves with a firm grip for wet soil.",
               "Hengittävät käsineet, jotka pitävät märässäkin mullassa.",
               "Légáteresztő kesztyű, nedves földben is biztos fogás.",
               "Дышащие перчатки с надёжным хватом во влажной земле.",
               "Дишащи ръкавици със сигурен захват при влажна почва."),
        attrs=dict(material=["leather", "rubber"]),
    ),
    "coffee-maker": dict(
        category="coffee-makers", family="kitchen_appliance", brand="rila", prefix="CM", axis="colour",
        colours=["black", "white", "red"], price=(49, 279), shape="circle", traits=(),
        names=t("Coffee maker", "Kahvinkeitin", "Kávéfőző", "Кофеварка", "Кафемашина"),
        uses=t("Brews ten cups and keeps them warm for an hour.",
               "Keittää kymmenen kuppia ja pitää ne lämpiminä tunnin.",
               "Tíz csészét főz, és egy órán át melegen tartja.",
               "Готовит десять чашек и час держит кофе горячим.",
               "Приготвя десет чаши и ги държи топли един час."),
        attrs=dict(power=(900, 1500, 100), capacity=(1.2, 1.8), voltage=[230], features=["auto-off", "timer"]),
    ),
    "kettle": dict(
        category="kettles", family="kitchen_appliance", brand="rila", prefix="EK", axis="colour",
        colours=["white", "black", "steel"], price=(25, 99), shape="circle", traits=(),
        names=t("Electric kettle", "Vedenkeitin", "Vízforraló", "Электрочайник", "Електрическа кана"),
        uses=t("Boils a full litre in under three minutes.",
               "Keittää litran vettä alle kolmessa minuutissa.",
               "Egy liter vizet kevesebb mint három perc alatt forral fel.",
               "Вскипятит литр воды меньше чем за три минуты.",
               "Завира литър вода за по-малко от три минути."),
        attrs=dict(power=(1800, 3000, 200), capacity=(1.0, 1.7), voltage=[230], features=["auto-off"]),
    ),
    "blender": dict(
        category="blenders", family="kitchen_appliance", brand="rila", prefix="BL", axis=None,
        colours=["steel"], price=(39, 199), shape="triangle", traits=(), care="blender",
        names=t("Blender", "Tehosekoitin", "Turmixgép", "Блендер", "Блендер"),
        uses=t("Crushes ice and blends smoothies in seconds.",
               "Murskaa jään ja sekoittaa smoothiet sekunneissa.",
               "Másodpercek alatt tör jeget és kever turmixot.",
               "Колет лёд и готовит смузи за секунды.",
               "Троши лед и приготвя смути за секунди."),
        attrs=dict(power=(500, 1200, 100), capacity=(1.0, 2.0), voltage=[230], features=["timer"]),
    ),
    "frying-pan": dict(
        category="pans", family="cookware", brand="sampo", prefix="FP", axis="colour",
        colours=["black", "steel"], price=(29, 129), shape="disc", traits=("hob",),
        names=t("Frying pan", "Paistinpannu", "Serpenyő", "Сковорода", "Тиган"),
        uses=t("Even heat from edge to edge on every hob.",
               "Tasainen lämpö reunasta reunaan kaikilla liesillä.",
               "Egyenletes hő szélétől széléig, minden főzőlapon.",
               "Равномерный нагрев от края до края на любой плите.",
               "Равномерна топлина от край до край на всеки котлон."),
        attrs=dict(material=["cast-iron", "stainless", "aluminium"], diameter=(200, 300),
                   dishwasher_safe=None, weight=(0.9, 2.8), features=["induction"]),
    ),
    "chef-knife": dict(
        category="knives", family="cookware", brand="sampo", prefix="CK", axis=None,
        colours=["steel"], price=(35, 149), shape="triangle", traits=("handheld", "knife"), care="knife",
        names=t("Chef's knife", "Kokkiveitsi", "Szakácskés", "Поварской нож", "Готварски нож"),
        uses=t("A 20 cm blade for chopping, slicing and dicing.",
               "20 cm:n terä pilkkomiseen, viipalointiin ja kuutiointiin.",
               "20 cm-es penge aprításhoz, szeleteléshez és kockázáshoz.",
               "Клинок 20 см, чтобы рубить, нарезать и шинковать.",
               "Острие 20 см за кълцане, рязане и нарязване на кубчета."),
        attrs=dict(material=["stainless"], weight=(0.15, 0.3), dishwasher_safe=False, features=["soft-grip"]),
    ),
}

# Which product types serve as accessories / spare parts of which.
RELATIONS = {
    "drill": [("accessory", "battery"), ("accessory", "drill-bits")],
    "hammer-drill": [("accessory", "drill-bits")],
    "jigsaw": [("accessory", "battery")],
    "circular-saw": [("spare_part", "saw-blade")],
    "angle-grinder": [("spare_part", "saw-blade")],
    "lawn-mower": [("accessory", "gloves")],
    "hedge-trimmer": [("accessory", "gloves")],
    "garden-hose": [("accessory", "sprinkler")],
    "frying-pan": [("accessory", "chef-knife")],
}

SERIES = ["", "Pro", "Compact", "Max", "Plus", "Eco"]

# --- product copy ----------------------------------------------------------------
# Each sentence and claim names the traits a product must have to carry it
# ("!trait": must not have); a product's traits are its type's traits, its
# family code, and "powered" when its family has a power attribute (a motor or
# a heating element). So only powered products claim energy efficiency or
# spare parts, only hand-held ones praise their grip, and an accessory names
# the brand it fits.
QUALITY = [
    (("!consumable",), t("Every part is chosen to last for years.",
           "Jokainen osa on valittu kestämään vuosia.",
           "Minden alkatrészét évekig tartó használatra választottuk.",
           "Каждая деталь выбрана, чтобы служить годами.",
           "Всяка част е избрана да издържи години.")),
    (("handheld",), t("Low weight, good balance and a comfortable grip.",
                      "Kevyt, hyvin tasapainotettu ja mukava pitää kädessä.",
                      "Könnyű, jól kiegyensúlyozott, kényelmes fogású.",
                      "Малый вес, хороший баланс и удобная рукоятка.",
                      "Малко тегло, добър баланс и удобна ръкохватка.")),
    (("powered",), t("Spare parts stay available for ten years.",
                     "Varaosia on saatavilla kymmenen vuoden ajan.",
                     "Az alkatrészek tíz évig elérhetők.",
                     "Запасные части доступны в течение десяти лет.",
                     "Резервните части са налични десет години.")),
    (("power_tool",), t("The motor is protected against overload and dust.",
                        "Moottori on suojattu ylikuormitukselta ja pölyltä.",
                        "A motort túlterhelés és por ellen védjük.",
                        "Двигатель защищён от перегрузки и пыли.",
                        "Моторът е защитен от претоварване и прах.")),
    (("power_tool",), t("A rubber-covered housing takes the knocks of a building site.",
                        "Kumipintainen runko kestää työmaan kolhut.",
                        "A gumírozott ház kibírja az építkezések ütéseit.",
                        "Прорезиненный корпус выдерживает удары на стройке.",
                        "Гумираният корпус издържа на удари на строителната площадка.")),
    (("hand_tool",), t("Hardened tool steel keeps its shape under heavy use.",
                       "Karkaistu työkaluteräs pitää muotonsa kovassakin käytössä.",
                       "Az edzett szerszámacél erős igénybevétel mellett is megtartja a formáját.",
                       "Закалённая инструментальная сталь не деформируется даже при большой нагрузке.",
                       "Закалената инструментална стомана запазва формата си и при тежка работа.")),
    (("accessory",), t("Made to fit {brand} tools without adapters.",
                       "Sopii {brand}-työkaluihin ilman sovittimia.",
                       "Adapter nélkül illeszkedik a {brand} szerszámokhoz.",
                       "Подходит к инструментам {brand} без переходников.",
                       "Пасва на инструментите {brand} без адаптери.")),
    (("accessory",), t("Tested for a long life in daily professional use.",
                       "Testattu kestämään päivittäistä ammattikäyttöä.",
                       "Hosszú élettartamra tesztelve, napi szakmai használatban.",
                       "Проверено на долговечность при ежедневной профессиональной работе.",
                       "Изпитано за дълъг живот при ежедневна професионална употреба.")),
    (("garden_machine",), t("A safety switch stops the blades the moment you let go.",
                            "Turvakytkin pysäyttää terät heti, kun päästät irti.",
                            "A biztonsági kapcsoló elengedéskor azonnal megállítja a késeket.",
                            "Защитный выключатель останавливает ножи, как только вы отпускаете рукоятку.",
                            "Предпазният прекъсвач спира ножовете веднага щом го пуснете.")),
    (("garden_machine",), t("Easy to clean and to store after the season.",
                            "Helppo puhdistaa ja varastoida kauden jälkeen.",
                            "A szezon végén könnyen tisztítható és tárolható.",
                            "Легко чистить и убирать на хранение после сезона.",
                            "Лесно се почиства и прибира след края на сезона.")),
    (("watering",), t("UV-resistant material that does not crack in the sun.",
                      "UV-säteilyä kestävä materiaali ei halkeile auringossa.",
                      "UV-álló anyag, amely a napon sem reped meg.",
                      "Материал устойчив к ультрафиолету и не трескается на солнце.",
                      "UV-устойчив материал, който не се напуква на слънце.")),
    (("watering",), t("Standard click connectors fit most garden taps.",
                      "Vakiopikaliittimet sopivat useimpiin puutarhahanoihin.",
                      "A szabványos gyorscsatlakozók a legtöbb kerti csaphoz illenek.",
                      "Стандартные быстросъёмные соединения подходят к большинству садовых кранов.",
                      "Стандартните бързи връзки пасват на повечето градински кранове.")),
    (("garden_wear",), t("Reinforced fingertips for thorns and rough work.",
                         "Vahvistetut sormenpäät piikkejä ja raskasta työtä varten.",
                         "Megerősített ujjbegyek tüskés növényekhez és durva munkához.",
                         "Усиленные кончики пальцев защищают от шипов при грубой работе.",
                         "Подсилени върхове на пръстите срещу бодли и при груба работа.")),
    (("garden_wear",), t("Cut to follow the hand, in sizes S to XL.",
                         "Muotoiltu käden mukaan, koot S–XL.",
                         "A kéz formájára szabva, S-től XL-ig.",
                         "Повторяют форму руки; размеры от S до XL.",
                         "Следват формата на ръката, размери от S до XL.")),
    (("kitchen_appliance",), t("Parts that touch food are free of BPA.",
                               "Ruoan kanssa kosketuksiin joutuvat osat eivät sisällä BPA:ta.",
                               "Az étellel érintkező részek BPA-mentesek.",
                               "Детали, контактирующие с продуктами, не содержат бисфенола А.",
                               "Частите, които се допират до храната, не съдържат бисфенол А.")),
    (("kitchen_appliance",), t("Non-slip feet keep it steady on the worktop.",
                               "Liukumattomat jalat pitävät sen tukevasti työtasolla.",
                               "Csúszásmentes talpain stabilan áll a munkalapon.",
                               "Нескользящие ножки надёжно держат прибор на столешнице.",
                               "Неплъзгащите се крачета държат уреда стабилно върху плота.")),
    (("cookware",), t("Made for everyday cooking, year after year.",
                      "Tehty arjen ruoanlaittoon vuodesta toiseen.",
                      "Mindennapi főzéshez készült, évről évre.",
                      "Для ежедневной готовки — год за годом.",
                      "За всекидневно готвене, година след година.")),
    (("hob",), t("Heats evenly and keeps its shape at high heat.",
                 "Kuumenee tasaisesti ja pitää muotonsa kovassakin kuumuudessa.",
                 "Egyenletesen melegszik, és nagy hőfokon is megtartja a formáját.",
                 "Равномерно прогревается и не деформируется при сильном нагреве.",
                 "Загрява се равномерно и запазва формата си при силен огън.")),
    (("knife",), t("The blade is ground by hand and keeps its edge for a long time.",
                   "Terä on hiottu käsin ja pysyy pitkään terävänä.",
                   "A pengét kézzel élezzük, és sokáig éles marad.",
                   "Клинок заточен вручную и долго остаётся острым.",
                   "Острието е заточено на ръка и дълго остава остро.")),
]

CLAIMS = [
    ((), t("Free delivery to the store", "Ilmainen toimitus myymälään", "Ingyenes szállítás az áruházba",
           "Бесплатная доставка в магазин", "Безплатна доставка до магазина")),
    ((), t("30-day right of return", "30 päivän palautusoikeus", "30 napos visszaküldési jog",
           "Возврат в течение 30 дней", "30 дни право на връщане")),
    (("winter",), t("Tested in Nordic winter", "Testattu pohjoisen talvessa", "Északi télben tesztelve",
                     "Испытано северной зимой", "Изпитано в северна зима")),
    (("powered",), t("Energy-efficient", "Energiatehokas", "Energiatakarékos", "Энергоэффективная модель",
                     "Енергоефективен")),
    (("powered",), t("Repairable design", "Korjattava rakenne", "Javítható kialakítás",
                     "Ремонтопригодная конструкция", "Конструкция, която се ремонтира")),
    (("handheld",), t("Ergonomic handle", "Ergonominen kahva", "Ergonomikus fogantyú", "Эргономичная рукоятка",
                      "Ергономична дръжка")),
    (("accessory",), t("Original {brand} accessory", "Alkuperäinen {brand}-tarvike", "Eredeti {brand} tartozék",
                       "Оригинальный аксессуар {brand}", "Оригинален аксесоар {brand}")),
    (("kitchen_appliance",), t("Food-safe materials", "Elintarvikekelpoiset materiaalit",
                               "Élelmiszerbiztos anyagok", "Безопасные для продуктов материалы",
                               "Безопасни за храни материали")),
    (("hob",), t("Works on every hob, induction included", "Sopii kaikille liesille, myös induktiolle",
                 "Minden főzőlapon használható, indukciósan is", "Подходит для всех плит, включая индукционные",
                 "За всички котлони, включително индукционни")),
]


def traits_of(type_code):
    """What a product type is, as the copy's traits name it."""
    kind = PRODUCT_TYPES[type_code]
    members = {code for code, _required in FAMILIES[kind["family"]][1]}
    return {*kind["traits"], kind["family"], *(("powered",) if "power" in members else ())}


def _fits(needs, traits):
    """Every need holds: "trait" is among ``traits``, "!trait" is not."""
    return all(need[1:] not in traits if need.startswith("!") else need in traits for need in needs)


def copy_for(type_code):
    """(quality sentences, claims) that fit a product type, {language: text}
    each, with the brand's name put in; in the fixed order of the lists."""
    traits = traits_of(type_code)
    brand = BRANDS[PRODUCT_TYPES[type_code]["brand"]]["name"]

    def fitting(entries):
        return [{lang: text.format(brand=brand) for lang, text in texts.items()}
                for needs, texts in entries if _fits(needs, traits)]
    return fitting(QUALITY), fitting(CLAIMS)


def warranty_sentence(years, language):
    """"3-year warranty" with the plural forms each language needs."""
    if language == "ru":
        word = "год" if years % 10 == 1 and years % 100 != 11 else (
            "года" if 2 <= years % 10 <= 4 and not 12 <= years % 100 <= 14 else "лет")
        return f"Гарантия {years} {word}."
    return {
        "en": f"{years}-year warranty.",
        "fi": f"{years} vuoden takuu.",
        "hu": f"{years} év garancia.",
        "bg": f"Гаранция {years} {'година' if years == 1 else 'години'}.",
    }[language]


# --- stores and price lists -----------------------------------------------------
STORES = [
    ("helsinki-kamppi", "store", "Helsinki", "Urho Kekkosen katu 1", "FI",
     t("Helsinki Kamppi", "Helsinki Kamppi", "Helsinki, Kamppi", "Хельсинки, Камппи", "Хелзинки, Кампи")),
    ("tampere-ratina", "store", "Tampere", "Vuolteenkatu 1", "FI",
     t("Tampere Ratina", "Tampere Ratina", "Tampere, Ratina", "Тампере, Ратина", "Тампере, Ратина")),
    ("budapest-westend", "store", "Budapest", "Váci út 1–3", "HU",
     t("Budapest Westend", "Budapest Westend", "Budapest, Westend", "Будапешт, Вестенд", "Будапеща, Уестенд")),
    ("sofia-center", "store", "Sofia", "бул. Витоша 1", "BG",
     t("Sofia Centre", "Sofia keskusta", "Szófia, belváros", "София, центр", "София, център")),
    ("vantaa-warehouse", "warehouse", "Vantaa", "Tikkurilantie 10", "FI",
     t("Central warehouse Vantaa", "Keskusvarasto Vantaa", "Központi raktár, Vantaa",
       "Центральный склад, Вантаа", "Централен склад, Вантаа")),
]

PRICE_LISTS = [
    ("retail-eur", "retail", True, t("Retail prices", "Vähittäishinnat", "Kiskereskedelmi árak",
                                     "Розничные цены", "Цени на дребно")),
    ("reseller-eur", "reseller", False, t("Reseller prices", "Jälleenmyyjähinnat", "Viszonteladói árak",
                                          "Цены для дилеров", "Цени за търговци")),
]

# --- channels and the brochure ---------------------------------------------------
# (code, name, kind, languages, fallback allowed per language)
CHANNELS = [
    ("web", "Web shop", "web", LANGUAGES, True, ""),
    ("app", "Mobile app", "app", LANGUAGES, True, ""),
    # Print needs real translations: a missing text withholds that language.
    ("print", "Print catalog", "print", LANGUAGES, False, ""),
    ("google-fi", "Google Shopping Finland", "marketplace", ("fi",), False, "FI"),
]

BROCHURE_CODE = "demo"
BROCHURE_PROMO = "SPRING26"
BROCHURE_SIZE = 8
BROCHURE_TITLE = t("Spring offers 2026", "Kevään tarjoukset 2026", "Tavaszi ajánlatok 2026",
                   "Весенние предложения 2026", "Пролетни оферти 2026")
BROCHURE_BANNER = t(
    "Use the code SPRING26 in the web shop for 10 % off.",
    "Käytä verkkokaupassa koodia SPRING26 ja saat 10 % alennusta.",
    "Használja a SPRING26 kódot a webáruházban, és 10% kedvezményt kap.",
    "Введите код SPRING26 в интернет-магазине и получите скидку 10 %.",
    "Въведете кода SPRING26 в онлайн магазина за 10 % отстъпка.",
)

# --- product documents -------------------------------------------------------------
MANUAL_TITLE = t("User manual", "Käyttöohje", "Használati útmutató", "Руководство пользователя",
                 "Ръководство за употреба")
# Families whose products come with a manual in every language.
MANUAL_FAMILIES = ("power_tool", "garden_machine", "kitchen_appliance")
