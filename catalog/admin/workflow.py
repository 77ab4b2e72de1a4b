"""Product admin views of the editorial workflow: review (submit, approve,
reject with a comment), history with a readable diff and revert, and the
conflict report shown when a stale form is saved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy

from .. import history, workflow
from ..permissions import allowed_languages, is_language_limited
from ..services import ProductValidationError
from ..translation_workflow import confirm, source_language, worklist
from ..xliff import XliffError, export_xliff, import_xliff
from ..models import Product, ProductHistory, ReviewEvent, TranslatorProfile


class WorkflowAdminMixin:
    """Adds /review/, /versions/ and /versions/<id>/ to the product admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("translations/", wrap(self.translations_view), name="catalog_product_translations"),
            path("<int:object_id>/review/", wrap(self.review_view), name="catalog_product_review"),
            path("<int:object_id>/versions/", wrap(self.versions_view), name="catalog_product_versions"),
            path("<int:object_id>/versions/<int:version_id>/", wrap(self.version_view),
                 name="catalog_product_version"),
            *super().get_urls(),
        ]

    def _product(self, request, object_id):
        product = get_object_or_404(Product, pk=object_id)
        if not self.has_view_or_change_permission(request, product):
            raise PermissionDenied
        return product

    def _context(self, request, product, title):
        return {
            **self.admin_site.each_context(request), "opts": self.opts, "original": product,
            "title": title, "has_view_permission": True,
            "change_url": reverse("admin:catalog_product_change", args=[product.pk]),
        }

    # --- review ---------------------------------------------------------------

    def review_view(self, request, object_id):
        product = self._product(request, object_id)
        if request.method == "POST":
            action = request.POST.get("action")
            comment = request.POST.get("comment", "")
            steps = {"submit": workflow.submit, "approve": workflow.approve, "reject": workflow.reject,
                     "comment": None}
            if action not in steps:
                raise Http404
            if action in ("approve", "reject") and not request.user.has_perm("catalog.approve_product"):
                return HttpResponseForbidden(_("You may not approve or reject products."))
            try:
                if action == "comment":
                    if not self.has_change_permission(request, product):
                        raise PermissionDenied
                    if comment.strip():
                        ReviewEvent.objects.create(product=product, action=ReviewEvent.Action.COMMENTED,
                                                   comment=comment, user=request.user, version=product.version)
                else:
                    steps[action](product, user=request.user, comment=comment)
            except workflow.TransitionRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Review state: %(state)s.") % {"state": product.get_review_state_display()})
            return HttpResponseRedirect(reverse("admin:catalog_product_review", args=[product.pk]))
        context = self._context(request, product, _("Review of %(product)s") % {"product": product})
        context.update({
            "events": workflow.history(product),
            "may_submit": request.user.has_perm("catalog.change_product") or request.user.has_perm(
                "catalog.submit_product"),
            "may_approve": request.user.has_perm("catalog.approve_product"),
        })
        return TemplateResponse(request, "admin/catalog/product/review.html", context)

    # --- translators' worklist ---------------------------------------------

    def translations_view(self, request):
        """Missing and outdated translations of one language, with XLIFF export and import."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        allowed = allowed_languages(request.user)
        choices = [(code, name) for code, name in settings.LANGUAGES
                   if code != source_language() and (allowed is None or code in allowed)]
        codes = [code for code, _name in choices]
        language = request.GET.get("language") or (codes[0] if codes else "")
        if language not in codes:
            raise PermissionDenied
        if request.GET.get("format") == "xliff":
            response = HttpResponse(export_xliff(language), content_type="application/x-xliff+xml")
            response["Content-Disposition"] = f'attachment; filename="products-{source_language()}-{language}.xlf"'
            return response
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            if "confirm" in request.POST:
                product = get_object_or_404(Product, pk=request.POST["confirm"])
                confirm(product, language)
                messages.success(request, _("%(product)s is up to date in %(language)s.")
                                 % {"product": product, "language": language})
            elif request.FILES.get("xliff"):
                try:
                    _language, changed = import_xliff(request.FILES["xliff"].read(), user=request.user)
                except XliffError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("%(count)d products changed.") % {"count": len(changed)})
            return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": _("Translations to do"), "languages": choices, "language": language,
            "source_language": source_language(), **worklist(language),
        }
        return TemplateResponse(request, "admin/catalog/product/translations.html", context)

    # --- history --------------------------------------------------------------

    def versions_view(self, request, object_id):
        product = self._product(request, object_id)
        entries = list(ProductHistory.objects.filter(product=product).select_related("user")
                       .order_by("-created_at", "-pk"))
        context = self._context(request, product, _("History of %(product)s") % {"product": product})
        context["rows"] = history.with_changes(entries)
        return TemplateResponse(request, "admin/catalog/product/versions.html", context)

    def version_view(self, request, object_id, version_id):
        product = self._product(request, object_id)
        entry = get_object_or_404(ProductHistory, pk=version_id, product=product)
        if request.method == "POST":
            # A revert rewrites every language and every shared value: not
            # for someone who may change only some texts.
            if not self.has_change_permission(request, product) or is_language_limited(request.user):
                raise PermissionDenied
            try:
                history.revert(entry, user=request.user)
            except ProductValidationError as exc:
                messages.error(request, refused_revert_message(exc.errors))
                return HttpResponseRedirect(request.get_full_path())
            messages.success(request, _("The product was reverted to this version."))
            return HttpResponseRedirect(reverse("admin:catalog_product_versions", args=[product.pk]))
        context = self._context(request, product, _("Version of %(when)s") % {"when": entry.created_at})
        context.update({
            "entry": entry,
            # What reverting would change: from today's state back to this version.
            "changes": history.diff(history.snapshot(product), entry.data),
            "may_revert": self.has_change_permission(request, product) and not is_language_limited(request.user),
        })
        return TemplateResponse(request, "admin/catalog/product/version.html", context)


def refused_revert_message(errors):
    """The message for a version that cannot be restored: {field: [message]} in one line."""
    return _("This version cannot be restored; nothing was changed: %(errors)s") % {
        "errors": "; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items())}


def conflict_rows(form, product):
    """[(field, saved by the other editor, yours)] for a refused stale save:
    the other editor's changes since the loaded version, and each field where
    the submitted form differs from the stored product."""
    rows = []
    loaded = form.cleaned_data.get("loaded_version") if hasattr(form, "cleaned_data") else None
    base = ProductHistory.objects.filter(product=product, version__lte=loaded or 0).order_by(
        "-version", "-pk").first() if loaded else None
    if base is not None:
        for field, _before, after in history.diff(base.data, history.snapshot(product)):
            rows.append((field, after, None))
    language = form.language_code if hasattr(form, "language_code") else product.get_current_language()
    translated = set(Product._parler_meta.get_all_fields())
    for name in form.changed_data:
        if name == "loaded_version":
            continue
        label = f"{name}[{language}]" if name in translated else name
        theirs = product.safe_translation_getter(name, language_code=language) if name in translated \
            else getattr(product, name, None)
        if name == "categories":
            theirs = ", ".join(str(c) for c in product.categories.all())
            mine = ", ".join(str(c) for c in form.cleaned_data.get(name) or [])
        else:
            mine = form.cleaned_data.get(name, form.data.get(name))
        rows = [row for row in rows if row[0] != label]
        rows.append((label, theirs, mine))
    return rows


class TranslatorProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(label=gettext_lazy("languages"), choices=settings.LANGUAGES,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = TranslatorProfile
        fields = ("user", "languages")


@admin.register(TranslatorProfile)
class TranslatorProfileAdmin(admin.ModelAdmin):
    """Which languages a translator may edit (enforced on every save path)."""

    form = TranslatorProfileForm
    list_display = ("user", "languages")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
