"""Default roles: Django groups with model permissions from catalog and publishing.

``ensure_roles()`` is idempotent and only adds permissions, so a permission an
administrator granted by hand survives. It runs from the data migration and
again after every ``migrate`` (post_migrate), so groups pick up the
permissions of models added later. Model names are matched as shell patterns
(``campaign*``), so a new model in the print area joins the print role
without editing this file. A role that is narrowed later takes the
permissions back in a migration of its own (``revoke_beyond_roles``).
"""

from fnmatch import fnmatch

EDITOR = "Editor"
TRANSLATOR = "Translator"
PUBLISHER = "Reviewer/Publisher"
CHANNEL_MANAGER = "Channel manager"
PRINT_TEAM = "Print team"

# Roles that change language-neutral values of the truth. A Translator who
# holds none of them edits translated texts only (catalog.permissions).
NEUTRAL_EDITING_ROLES = (EDITOR, PUBLISHER, CHANNEL_MANAGER)

VIEW = ("view",)
EDIT = ("view", "change")
ALL = ("view", "add", "change", "delete")

# Models of the print area: campaigns, brochures, labels.
PRINT_MODELS = ("campaign*", "brochure*", "label*")
# QR short links and their scans: made by rendering brochures and by the
# site recording scans, never edited by hand.
QR_MODELS = ("shortlink*", "qr*", "scan*")

# Each rule: (app label, model name patterns, actions). Custom permissions
# (``extra``) are granted when a model declares them.
ROLES = {
    # Keeps the product truth: products, variants, images, prices, stock.
    EDITOR: {
        "rules": [
            ("catalog", ("*",), VIEW),
            ("catalog", ("product", "variant", "attributevalue", "productimage", "imagefile",
                         "productdocument", "productrelation", "price", "stock", "category", "brand"), ALL),
            ("publishing", ("channel", "publication", "completeness", "productsnapshot", "job", "artifact"), VIEW),
        ],
        "extra": ("catalog.submit_product",),
    },
    # Translates names, descriptions, labels and alt texts.
    TRANSLATOR: {
        "rules": [
            ("catalog", ("*",), VIEW),
            ("catalog", ("product", "category", "brand", "attribute", "attributeoption", "family",
                         "attributevalue", "productimage", "store", "pricelist"), EDIT),
            ("publishing", ("channel", "completeness", "textoverride"), VIEW),
            ("publishing", ("textoverride",), EDIT),
        ],
        "extra": (),
    },
    # Reviews and approves edits and publishes them to channels.
    PUBLISHER: {
        "rules": [
            ("catalog", ("*",), VIEW),
            ("catalog", ("product",), EDIT),
            ("publishing", ("channel", "channellanguage", "completeness", "productsnapshot",
                            "textoverride", "job", "artifact") + PRINT_MODELS + QR_MODELS, VIEW),
            ("publishing", ("publication",), ALL),
            ("publishing", ("job",), ("view", "add", "change")),
        ],
        "extra": ("catalog.approve_product", "catalog.review_product", "publishing.publish_product"),
    },
    # Configures channels, their languages, tokens, webhooks and overrides.
    CHANNEL_MANAGER: {
        "rules": [
            ("catalog", ("*",), VIEW),
            ("catalog", ("pricelist", "price", "store"), ALL),
            ("publishing", ("*",), VIEW),
            ("publishing", ("channel", "channellanguage", "textoverride", "channeltoken",
                            "publication", "webhook*"), ALL),
            ("publishing", ("job",), ("view", "add", "change")),
        ],
        "extra": ("publishing.publish_product",),
    },
    # Makes catalogs, brochures and labels; downloads the print files.
    PRINT_TEAM: {
        "rules": [
            ("catalog", ("product", "variant", "category", "brand", "productimage", "imagefile",
                         "store", "stock", "price", "pricelist"), VIEW),
            ("publishing", ("channel", "publication", "artifact", "productsnapshot") + QR_MODELS, VIEW),
            ("publishing", PRINT_MODELS, ALL),
            ("publishing", ("job",), ("view", "add", "change")),
        ],
        "extra": (),
    },
}


def is_texts_only(user):
    """Whether ``user``'s roles let them edit translated texts only: the
    Translator role without any role in NEUTRAL_EDITING_ROLES."""
    names = set(user.groups.values_list("name", flat=True))
    return TRANSLATOR in names and not names & set(NEUTRAL_EDITING_ROLES)


def ensure_roles(apps=None, using="default"):
    """Create the default groups and add their permissions; returns
    ``{group name: Group}``. ``apps`` is the migration state's registry when
    called from a migration, the live registry otherwise."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using)
        .filter(content_type__app_label__in={"catalog", "publishing"})
        .values_list("pk", "codename", "content_type__app_label", "content_type__model")
    )
    groups = {}
    for name, spec in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        wanted = _matching(permissions, spec["rules"], spec["extra"])
        present = set(group.permissions.values_list("pk", flat=True))
        missing = wanted - present
        if missing:
            group.permissions.add(*missing)
        groups[name] = group
    return groups


def revoke_beyond_roles(apps, names, models, using="default"):
    """Take from the groups ``names`` the permissions on ``models`` ((app
    label, model name pattern) pairs) that their rules no longer grant: for a
    migration that narrows a role, since ``ensure_roles`` only ever adds."""
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(using).filter(name__in=names):
        spec = ROLES[group.name]
        held = [row for row in group.permissions.values_list("pk", "codename", "content_type__app_label",
                                                              "content_type__model")
                if any(row[2] == app and fnmatch(row[3], pattern) for app, pattern in models)]
        granted = _matching(held, spec["rules"], spec["extra"])
        doomed = [row[0] for row in held if row[0] not in granted]
        if doomed:
            group.permissions.remove(*doomed)


def _matching(permissions, rules, extra):
    wanted = set()
    extra = set(extra)
    for pk, codename, app_label, model in permissions:
        if f"{app_label}.{codename}" in extra:
            wanted.add(pk)
            continue
        action, _sep, _rest = codename.partition("_")
        for rule_app, patterns, actions in rules:
            if (
                app_label == rule_app and action in actions and codename == f"{action}_{model}"
                and any(fnmatch(model, pattern) for pattern in patterns)
            ):
                wanted.add(pk)
                break
    return wanted
