"""The language code column of rows kept per language (attribute values,
documents, channel languages, completeness …).

Its choices are the configured ``settings.LANGUAGES``, read each time they
are used and never written into migrations, so adding a language is
configuration only: forms and the admin offer a select of the configured
languages, and model validation (``full_clean``, model forms, serializers
built from the model) refuses any other code.
"""

from django.conf import settings
from django.db import models


def configured_languages():
    """(code, name) of every configured language, as settings say now."""
    return list(settings.LANGUAGES)


class LanguageField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 15)
        # A callable: Django evaluates it whenever the choices are read.
        kwargs["choices"] = configured_languages
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # Migrations see a plain CharField: the list of languages is settings.
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "django.db.models.CharField", args, kwargs
