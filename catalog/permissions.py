"""Translator language limits: which languages a user may edit, checked on
every save path (admin and write API), not only hidden in forms."""

from django.conf import settings
from django.utils.translation import gettext as _

from .models import TranslatorProfile


def allowed_languages(user):
    """The set of language codes ``user`` may edit, or None when unlimited."""
    if user is None or getattr(user, "is_superuser", False):
        return None
    cached = getattr(user, "_pim_allowed_languages", False)
    if cached is not False:
        return cached
    profile = TranslatorProfile.objects.filter(user_id=user.pk).first() if user.pk else None
    languages = None if profile is None else set(profile.languages) & set(settings.LANGUAGE_CODES)
    user._pim_allowed_languages = languages
    return languages


def may_edit_language(user, language):
    allowed = allowed_languages(user)
    return allowed is None or language in allowed


def is_language_limited(user):
    return allowed_languages(user) is not None


def refused_message(language):
    return _("You may not edit texts in this language (%(language)s).") % {"language": language}


def api_errors(user, data):
    """Errors ({"name[fi]": [message]}) for the parts of a write-API dict the
    user may not touch; a limited user also may not change language-neutral
    fields. Empty when everything is allowed."""
    allowed = allowed_languages(user)
    if allowed is None or not isinstance(data, dict):
        return {}
    errors = {}
    for language, texts in (data.get("translations") or {}).items():
        if language not in allowed:
            for field in (texts or {}) or ("name",):
                errors[f"{field}[{language}]"] = [refused_message(language)]
    for entry in data.get("attributes") or []:
        locale = entry.get("locale") if isinstance(entry, dict) else None
        if locale and locale not in allowed:
            errors[f"attr:{entry.get('code')}[{locale}]"] = [refused_message(locale)]
    return errors


def changed_foreign_texts(user, product, data):
    """Like ``api_errors`` but only for texts that actually differ from the stored ones."""
    errors = api_errors(user, data)
    if not errors or product is None:
        return errors
    stored = {t.language_code: t for t in product.translations.all()}
    for key in list(errors):
        if key.startswith("attr:"):
            continue
        field, language = key[:-1].split("[")
        current = stored.get(language)
        sent = (data["translations"].get(language) or {}).get(field)
        if current is not None and getattr(current, field, None) == sent:
            del errors[key]
    return errors
