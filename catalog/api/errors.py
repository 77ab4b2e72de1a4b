"""Errors of the write API as DRF exceptions; pim.api_errors renders them as
{"detail", "code"} plus their extra fields."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException


class WriteApiError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, detail=None, code=None, **extra):
        super().__init__(detail, code)
        self.extra = extra


class VersionRequired(WriteApiError):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "version_required"
    default_detail = _("Send the version you read in the If-Match header (or \"version\" in the body).")


class VersionConflictError(WriteApiError):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "version_conflict"

    def __init__(self, current_version):
        super().__init__(
            _("The product was changed after you read it (now version %(version)d). "
              "Read it again and repeat your change.") % {"version": current_version},
            current_version=current_version,
        )


class TooManyItems(WriteApiError):
    default_code = "too_many_items"


class LanguageNotAllowed(WriteApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "language_not_allowed"
    default_detail = _("You may not edit texts in some of the languages sent.")


class FieldNotAllowed(WriteApiError):
    """A language-limited user sent a change to a language-neutral field."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "field_not_allowed"
    default_detail = _("Your account may change only the texts of its languages; nothing was saved.")


def refusal(errors):
    """The 403 for ``errors`` of catalog.permissions: a language refusal when
    only texts of other languages were touched, a field refusal otherwise."""
    from ..permissions import is_language_error

    if all(is_language_error(key) for key in errors):
        return LanguageNotAllowed(errors=errors)
    return FieldNotAllowed(errors=errors)
