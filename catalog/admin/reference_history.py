"""Version history on the admin of every reference record (categories,
brands, attributes, families, stores, price lists): each save that changed
something records a version, the admin's History page shows them with a
readable diff, and an earlier one can be restored (``catalog.reference_history``)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from parler.admin import TranslatableAdmin

from .. import history, reference_history
from ..permissions import is_language_limited
from .translator_limits import TranslatorLimitsMixin
from .workflow import refused_revert_message


class ReferenceHistoryAdminMixin:
    object_history_template = "admin/catalog/reference_history.html"

    def _revert_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_revert"

    def get_urls(self):
        return [
            path("<path:object_id>/history/<int:version_id>/revert/",
                 self.admin_site.admin_view(self.revert_view), name=self._revert_url_name()),
            *super().get_urls(),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reference_history.record(form.instance, user=request.user)

    def delete_model(self, request, obj):
        reference_history.forget(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            reference_history.forget(obj)
        super().delete_queryset(request, queryset)

    def _may_revert(self, request, obj):
        # A revert rewrites every language and every shared field.
        return self.has_change_permission(request, obj) and not is_language_limited(request.user)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        entries = list(reference_history.versions(obj).select_related("user").order_by("-created_at", "-pk"))
        context = {"versions": history.with_changes(entries, reference_history.diff), "may_revert": self._may_revert(request, obj),
                   "revert_url_name": f"{self.admin_site.name}:{self._revert_url_name()}", **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def revert_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self._may_revert(request, obj):
            raise PermissionDenied
        entry = reference_history.versions(obj).filter(pk=version_id).first()
        if entry is None:
            raise Http404
        try:
            reference_history.revert(entry, user=request.user)
        except reference_history.RevertRefused as exc:
            messages.error(request, refused_revert_message(exc.errors))
        else:
            messages.success(request, _("The record was reverted to this version."))
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                                            args=[obj.pk]))


class ReferenceAdmin(ReferenceHistoryAdminMixin, TranslatorLimitsMixin, TranslatableAdmin):
    """The admin of a translated reference record: translator limits and version history."""
