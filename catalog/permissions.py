"""Translator language limits: which languages a user may edit, checked on
every save path (admin and write API), not only hidden in forms.

A user is limited by a TranslatorProfile (their languages), or by holding
the Translator role and no role that edits anything else (every language,
texts only). A limited user changes translated texts of their languages and
no language-neutral value (codes, MPN, status, prices …).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from pim import roles

from .models import TranslatorProfile


def allowed_languages(user):
    """The set of language codes ``user`` may edit, or None when unlimited."""
    if user is None or getattr(user, "is_superuser", False):
        return None
    cached = getattr(user, "_pim_allowed_languages", False)
    if cached is not False:
        return cached
    profile = TranslatorProfile.objects.filter(user_id=user.pk).first() if user.pk else None
    if profile is not None:
        languages = set(profile.languages) & set(settings.LANGUAGE_CODES)
    elif user.pk and roles.is_texts_only(user):
        languages = set(settings.LANGUAGE_CODES)
    else:
        languages = None
    user._pim_allowed_languages = languages
    return languages


def may_edit_language(user, language):
    allowed = allowed_languages(user)
    return allowed is None or language in allowed


def is_language_limited(user):
    return allowed_languages(user) is not None


def refused_message(language):
    return _("You may not edit texts in this language (%(language)s).") % {"language": language}


#: Keys of the write API's product dict that are the same in every language.
#: A language-limited user may send them (a whole product read back and
#: resent) but not change them.
NEUTRAL_KEYS = ("sku", "gtin", "mpn", "brand", "family", "categories", "status", "variants", "prices", "stock")


def neutral_refused_message():
    return _("Your account may edit translated texts only.")


def refused_fields(user, changed, *, language=None, translated=(), row_languages=None):
    """{field: message} for the ``changed`` fields of one admin form that
    ``user`` may not change; empty when everything is allowed.

    ``language`` is the language of the form's ``translated`` fields (the
    admin's language tab): outside the user's languages nothing may change,
    inside them only the translated fields. A row that has a language of its
    own (an attribute value, a document, a text override) passes
    ``row_languages`` instead, the language it had and the one it has: the
    whole row is that language's content, and a row without a language
    ("") is language-neutral."""
    allowed = allowed_languages(user)
    if allowed is None or not changed:
        return {}
    if row_languages is not None:
        refused = [code for code in row_languages if code not in allowed]
        if not refused:
            return {}
        message = refused_message(refused[0]) if refused[0] else neutral_refused_message()
        return {name: message for name in changed}
    if language not in allowed:
        return {name: refused_message(language) for name in changed}
    return {name: neutral_refused_message() for name in changed if name not in translated}


def is_language_error(key):
    """Whether an error key from ``api_errors`` or ``refused_changes`` names a
    text in a refused language (``name[fi]``, ``attr:note[fi]``) rather than
    a language-neutral field (``gtin``, ``attr:power``)."""
    return key.endswith("]") and "[" in key


def api_errors(user, data):
    """Errors ({"name[fi]": [message], "gtin": [message]}) for the parts of a
    new product's write-API dict the user may not set: texts outside their
    languages and, for a limited user, every language-neutral field. Empty
    when everything is allowed. Updates are checked on their outcome with
    ``refused_changes`` instead, so resending unchanged values is fine."""
    allowed = allowed_languages(user)
    if allowed is None or not isinstance(data, dict):
        return {}
    errors = {}
    for key in NEUTRAL_KEYS:
        if key in data:
            errors[key] = [neutral_refused_message()]
    translations = data.get("translations")
    for language, texts in (translations.items() if isinstance(translations, dict) else ()):
        if language not in allowed:
            for field in (texts if isinstance(texts, dict) and texts else ("name",)):
                errors[f"{field}[{language}]"] = [refused_message(language)]
    for entry in data.get("attributes") or []:
        if not isinstance(entry, dict):
            continue
        locale = entry.get("locale")
        if not locale:
            errors[f"attr:{entry.get('code')}"] = [neutral_refused_message()]
        elif locale not in allowed:
            errors[f"attr:{entry.get('code')}[{locale}]"] = [refused_message(locale)]
    return errors


def refused_changes(user, before, after):
    """Errors for what a save changed outside the user's languages, comparing
    the write API's representation of the product before and after it. Empty
    for unlimited users and for saves that changed only allowed texts.

    Comparing the outcome, not the request, catches every way a body can
    change a value (a PUT clearing a key it left out, a number sent as
    "1200" or "1200.0") and accepts a whole product sent back unchanged."""
    allowed = allowed_languages(user)
    if allowed is None:
        return {}
    errors = {}
    for key in NEUTRAL_KEYS:
        if before.get(key) != after.get(key):
            errors[key] = [neutral_refused_message()]
    old_texts, new_texts = before.get("translations") or {}, after.get("translations") or {}
    for language in sorted(set(old_texts) | set(new_texts)):
        if language in allowed:
            continue
        old, new = old_texts.get(language) or {}, new_texts.get(language) or {}
        for field in sorted(set(old) | set(new)):
            if old.get(field) != new.get(field):
                errors[f"{field}[{language}]"] = [refused_message(language)]
    old_values, new_values = _attribute_values(before), _attribute_values(after)
    for code, locale in sorted(set(old_values) | set(new_values), key=lambda pair: (pair[0], pair[1] or "")):
        if old_values.get((code, locale)) == new_values.get((code, locale)):
            continue
        if not locale:
            errors[f"attr:{code}"] = [neutral_refused_message()]
        elif locale not in allowed:
            errors[f"attr:{code}[{locale}]"] = [refused_message(locale)]
    return errors


def _attribute_values(representation):
    return {(entry["code"], entry.get("locale")): entry.get("value") for entry in representation.get("attributes") or []}
