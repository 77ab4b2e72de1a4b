"""Forms of the catalog admin: the product image upload, document upload and
typed attribute values checked against the attribute's type and family."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from parler.forms import TranslatableModelForm

from ..documents_files import validate_document
from ..images import ingest_image, validate_image
from ..models import Attribute, AttributeValue, ProductDocument, ProductImage

T = Attribute.Type

# Which value column each attribute type uses.
VALUE_FIELD = {
    T.TEXT: "value_text",
    T.RICH_TEXT: "value_text",
    T.NUMBER: "value_number",
    T.MEASUREMENT: "value_number",
    T.BOOLEAN: "value_bool",
    T.DATE: "value_date",
    T.SELECT: "option",
    T.MULTI_SELECT: "options",
}
VALUE_FIELDS = ("value_text", "value_number", "value_bool", "value_date", "option", "options")


def _is_blank(value):
    if value is None or value == "":
        return True
    return not isinstance(value, str) and hasattr(value, "__len__") and len(value) == 0


class ProductImageForm(TranslatableModelForm):
    """An image row: a new upload is validated with Pillow and stored once per
    content hash; the alt text is kept per language (the language tabs).

    Validation only reads the upload; the file is stored and its ImageFile
    row made when the row is saved, after every form and inline of the page
    passed, so a page refused for any reason leaves no file behind."""

    upload = forms.FileField(
        label=_("image file"), required=False,
        help_text=_("JPEG, PNG, WebP, GIF or TIFF; uploading the same file twice stores it once."),
    )

    class Meta:
        model = ProductImage
        fields = ("upload", "variant", "role", "position", "alt")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                validate_image(upload)
            except ValidationError as error:
                self.add_error("upload", error)
        elif not self.instance.image_file_id:
            self.add_error("upload", _("Choose an image file."))
        return cleaned

    def save(self, commit=True):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.instance.image_file = ingest_image(upload, name=getattr(upload, "name", None))
        return super().save(commit)


class ProductDocumentForm(forms.ModelForm):
    class Meta:
        model = ProductDocument
        fields = ("language_code", "kind", "title", "file", "position")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_document(upload)
        return upload


class AttributeValueForm(forms.ModelForm):
    """One attribute value; the value goes in the column of the attribute's
    type and every other column must stay empty."""

    class Meta:
        model = AttributeValue
        fields = ("attribute", "language_code", *VALUE_FIELDS)
        widgets = {
            "value_text": forms.Textarea(attrs={"rows": 2, "cols": 32}),
            "value_number": forms.NumberInput(attrs={"step": "any", "style": "width:8em"}),
            "options": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = self.instance.value_number if self.instance.pk else None
        if number is not None:
            # 1.800000 (six stored places) is shown as 1.8.
            self.initial["value_number"] = format(number.normalize(), "f")

    def clean(self):
        cleaned = super().clean()
        attribute = cleaned.get("attribute")
        if attribute is None:
            return cleaned
        allowed = getattr(self, "allowed_attribute_ids", None)
        # Values kept from a former family stay until deleted; new ones must
        # belong to the current family.
        is_new_choice = not self.instance.pk or "attribute" in self.changed_data
        if allowed is not None and attribute.pk not in allowed and is_new_choice:
            self.add_error("attribute", _("This attribute is not part of the product's family."))
            return cleaned
        target = VALUE_FIELD[attribute.type]
        for name in VALUE_FIELDS:
            if name != target and not _is_blank(cleaned.get(name)) and cleaned.get(name) is not False:
                self.add_error(name, _("A “%(type)s” attribute keeps its value in “%(field)s”.") % {
                    "type": attribute.get_type_display(),
                    "field": self.fields[target].label,
                })
        if _is_blank(cleaned.get(target)):
            self.add_error(target, _("Enter a value for “%(attribute)s”.") % {"attribute": attribute})
        if target == "option" and cleaned.get("option") and cleaned["option"].attribute_id != attribute.pk:
            self.add_error("option", _("This option belongs to another attribute."))
        if target == "options":
            foreign = [o for o in cleaned.get("options") or [] if o.attribute_id != attribute.pk]
            if foreign:
                self.add_error("options", _("These options belong to another attribute: %(options)s") % {
                    "options": ", ".join(str(o) for o in foreign),
                })
        return cleaned


class AttributeValueFormSet(BaseInlineFormSet):
    """Checks the family's required attributes once the product is edited in
    its family (a product just moved to another family is checked on its
    next save, when the new family's attributes are offered)."""

    allowed_attribute_ids = None
    required_links = ()
    prefill = ()

    def __init__(self, *args, **kwargs):
        # Empty rows offered for the family's attributes still missing.
        kwargs.setdefault("initial", [dict(row) for row in self.prefill])
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.allowed_attribute_ids = self.allowed_attribute_ids
        return form

    def clean(self):
        super().clean()
        product = self.instance
        if not self.required_links or getattr(product, "_family_changed", False) or not product.pk:
            return
        present = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            attribute = form.cleaned_data.get("attribute")
            if attribute is None:
                continue
            target = VALUE_FIELD[attribute.type]
            if not _is_blank(form.cleaned_data.get(target)):
                present.add((attribute.pk, form.cleaned_data.get("language_code") or ""))
        default = settings.LANGUAGE_CODE
        missing = [
            str(link.attribute) for link in self.required_links
            if (link.attribute_id, default if link.attribute.localizable else "") not in present
        ]
        if missing:
            raise ValidationError(
                _("The family requires a value for: %(attributes)s (language-specific ones at least in %(lang)s).")
                % {"attributes": ", ".join(missing), "lang": default},
                code="required_attributes",
            )
