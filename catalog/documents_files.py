"""Validation of product document uploads (manuals, safety sheets …): a size
limit and the file type recognised by its first bytes, not by its name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leading bytes of the accepted types.
SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
)


def detect_type(head):
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def validate_document(uploaded_file):
    """Refuse files over ``PIM_DOCUMENT_MAX_BYTES`` and anything that is not
    a PDF, PNG or JPEG by content; returns the detected type."""
    limit = settings.PIM_DOCUMENT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": size / 1048576, "limit": limit / 1048576},
            code="document_too_large",
        )
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    head = uploaded_file.read(16)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    if not head:
        raise ValidationError(_("The file is empty."), code="document_empty")
    kind = detect_type(head)
    if kind is None:
        raise ValidationError(
            _("Only PDF documents (or PNG/JPEG images) can be attached."), code="document_type",
        )
    return kind
