"""Translator limits in the admin: one mixin for the admin of every
translated model (products, categories, brands, attributes with their
options, families, stores, price lists) that refuses, on save, what a
language-limited user may not change.

The rule itself lives in ``catalog.permissions.refused_fields`` and is the
one the write API applies too; this module only feeds it each form of the
change page: the main form and every inline row.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from ..permissions import may_edit_language, refused_fields


def translated_fields(model):
    """Names of the model's translated (parler) fields; () for plain models."""
    meta = getattr(model, "_parler_meta", None)
    return tuple(meta.get_all_fields()) if meta is not None else ()


class LanguageLimitedForm:
    """Mixin for the main form of a translated model's admin: refuses changed
    fields outside the user's languages and language-neutral fields."""

    #: Set by TranslatorLimitsMixin: the user whose limits apply.
    user = None
    #: Form-only fields that carry no content (a hidden version stamp).
    unchecked_fields = ()

    def clean(self):
        cleaned = super().clean()
        changed = [name for name in self.changed_data if name not in self.unchecked_fields]
        language = getattr(self, "language_code", None) or self.instance.get_current_language()
        refused = refused_fields(self.user, changed, language=language,
                                 translated=translated_fields(self._meta.model))
        for name, message in refused.items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned


def _row_refusals(form, user, language):
    """What one inline row changed that ``user`` may not change."""
    changed = list(form.changed_data)
    if "language_code" in form.fields:
        languages = [form.cleaned_data.get("language_code") or ""]
        if form.instance.pk:
            languages.append(form.initial.get("language_code") or "")
        return refused_fields(user, changed, row_languages=languages)
    return refused_fields(user, changed, language=language, translated=translated_fields(form._meta.model))


def limited_formset(formset_class, user, language):
    """A subclass of an inline formset whose clean refuses rows ``user`` may not change."""

    def clean(self):
        formset_class.clean(self)
        messages = []
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            for message in _row_refusals(form, user, getattr(self, "language_code", None) or language).values():
                if message not in messages:
                    messages.append(message)
        if messages:
            raise ValidationError(messages, code="language_not_allowed")

    return type(formset_class.__name__, (formset_class,), {"clean": clean})


class TranslatorLimitsMixin:
    """For a parler ``TranslatableAdmin``: the main form and every inline are
    checked against the user's languages, and a translation of a language
    the user may not edit cannot be deleted."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        bases = (form,) if issubclass(form, LanguageLimitedForm) else (LanguageLimitedForm, form)
        return type(form.__name__, bases, {"user": request.user})

    def get_formsets_with_inlines(self, request, obj=None):
        language = self.get_form_language(request, obj)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield limited_formset(formset, request.user, language), inline

    def delete_translation(self, request, object_id, language_code):
        if not may_edit_language(request.user, language_code):
            raise PermissionDenied
        return super().delete_translation(request, object_id, language_code)
