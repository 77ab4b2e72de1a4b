"""Django model permissions for the write API, reading included."""

from rest_framework.permissions import DjangoModelPermissions


class ProductPermissions(DjangoModelPermissions):
    """view_product to read, add/change/delete_product to write; a bulk
    upsert creates and updates, so it needs both add and change."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "bulk":
            model = self._queryset(view).model
            return request.user.has_perms(self.get_required_permissions("PUT", model))
        return True
