"""JSON errors of the contract: {"detail", "code"} plus "errors" for validation."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail, prefix=""):
    """Turn DRF's nested validation detail into {"field": ["message", ...]}."""
    errors = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            errors.update(_flatten(value, name))
    elif isinstance(detail, list) and detail and not all(isinstance(d, str) for d in detail):
        for index, value in enumerate(detail):
            errors.update(_flatten(value, f"{prefix}[{index}]" if prefix else str(index)))
    else:
        items = detail if isinstance(detail, list) else [detail]
        errors[prefix or "non_field_errors"] = [str(item) for item in items]
    return errors


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.items()))
        response.data = {
            "detail": f"{first[0]}: {first[1][0]}" if first[0] != "non_field_errors" else first[1][0],
            "code": "invalid",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    detail = getattr(exc, "detail", None)
    # Django's own Http404/PermissionDenied carry no DRF code
    if isinstance(exc, Http404):
        code = "not_found"
    elif isinstance(exc, PermissionDenied):
        code = "permission_denied"
    else:
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) + 1)
    response.data = {"detail": str(detail if detail is not None else exc), "code": code}
    # e.g. the feed's list of valid locales next to an unknown-locale error
    response.data.update(getattr(exc, "extra", None) or {})
    return response


def error_response(detail, code, http_status, **extra):
    """The same shape for errors raised outside DRF exceptions."""
    return Response({"detail": str(detail), "code": code, **extra}, status=http_status)


def page_not_found(request, exception=None):
    """JSON 404 for unknown API URLs, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
