"""Admin of marketplace exports: the artifact page shows each export's validation report.

Extends the artifact admin of publishing.admin.jobs (same list, download and
permissions) with the report columns, an action that rebuilds exports and a
page that starts a new one (channel, language, format), e.g. a channel's first.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from publishing.exports.registry import FORMATS
from publishing.exports.report import reason_text
from publishing.exports.service import ARTIFACT_KIND, ExportError, request_export, resolve
from publishing.models import Artifact, Channel

from .jobs import ArtifactAdmin, message_job_started

# Starting an export starts a job: the roles that may start jobs may do it.
START_PERMISSION = "publishing.add_job"


class NewExportForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.filter(is_active=True).prefetch_related("languages")
        .order_by("code"),
    )
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    format = forms.ChoiceField(label=_("Format"), choices=[(code, fmt.label) for code, fmt in FORMATS.items()])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            resolve(data["channel"], data["locale"], data["format"])
        except ExportError as exc:
            self.add_error("locale" if exc.code == "unknown_locale" else "format", str(exc))
        return data


class ExportArtifactAdmin(ArtifactAdmin):
    list_display = ArtifactAdmin.list_display[:-1] + ("items_display", "excluded_display",
                                                      ArtifactAdmin.list_display[-1])
    fields = ArtifactAdmin.fields + ("report_summary", "report_excluded")
    readonly_fields = fields
    actions = ("rebuild_exports",)
    change_list_template = "admin/publishing/artifact/change_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("new-export/", self.admin_site.admin_view(self.new_export_view), name="%s_%s_new_export" % info),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_start_export": request.user.has_perm(START_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def new_export_view(self, request):
        """Choose channel, language and format; the export is built by a job
        whose page follows it. An export that exists already is rebuilt."""
        if not (self.has_view_permission(request) and request.user.has_perm(START_PERMISSION)):
            raise PermissionDenied
        form = NewExportForm(request.POST or None, initial={"format": "google-xml"})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            job = request_export(data["channel"], data["locale"], data["format"], user=request.user)
            message_job_started(request, job)
            return HttpResponseRedirect(reverse("admin:publishing_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("New export"),
            "form": form,
            "channel_languages": {channel.code: channel.language_codes for channel in form.fields["channel"].queryset},
        }
        return TemplateResponse(request, "admin/publishing/artifact/new_export.html", context)

    def _meta(self, artifact):
        return artifact.meta or {}

    @admin.display(description=_("items"))
    def items_display(self, artifact):
        meta = self._meta(artifact)
        return meta.get("items", "-") if artifact.kind == ARTIFACT_KIND else "-"

    @admin.display(description=_("left out"))
    def excluded_display(self, artifact):
        meta = self._meta(artifact)
        if artifact.kind != ARTIFACT_KIND:
            return "-"
        count = meta.get("excluded_count", 0)
        if not count:
            return "0"
        return format_html('<strong style="color:#ba2121">{}</strong>', count)

    @admin.display(description=_("report"))
    def report_summary(self, artifact):
        meta = self._meta(artifact)
        if artifact.kind != ARTIFACT_KIND or not meta:
            return "-"
        lines = [
            (_("Products"), meta.get("products", 0)),
            (_("Items written"), meta.get("items", 0)),
            (_("Rows"), meta.get("rows", 0)),
            (_("Left out"), meta.get("excluded_count", 0)),
            (_("Feed label"), meta.get("feed_label") or "-"),
            (_("Seconds"), meta.get("seconds", "-")),
        ]
        lines += [(reason_text(code), count) for code, count in sorted((meta.get("warnings") or {}).items())]
        return format_html("<table>{}</table>", format_html_join(
            "", "<tr><th>{}</th><td>{}</td></tr>", ((str(label), value) for label, value in lines),
        ))

    @admin.display(description=_("items left out"))
    def report_excluded(self, artifact):
        meta = self._meta(artifact)
        excluded = meta.get("excluded") or []
        if not excluded:
            return "-"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (entry.get("sku"), entry.get("id"), "; ".join(reason_text(code) for code in entry.get("reasons", ())))
            for entry in excluded
        ))
        more = meta.get("excluded_count", 0) - len(excluded)
        tail = format_html("<p>{}</p>", _("… and %(count)d more.") % {"count": more}) if more > 0 else ""
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>{}",
            _("SKU"), _("Item id"), _("Reasons"), rows, tail,
        )

    @admin.action(description=_("Rebuild the selected exports from the current documents"), permissions=["view"])
    def rebuild_exports(self, request, queryset):
        started = 0
        for artifact in queryset.filter(kind=ARTIFACT_KIND).select_related("channel"):
            try:
                request_export(artifact.channel, artifact.locale, artifact.format, user=request.user)
            except ExportError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            started += 1
        self.message_user(request, ngettext("%(count)d export queued.", "%(count)d exports queued.", started)
                          % {"count": started}, messages.SUCCESS)


admin.site.unregister(Artifact)
admin.site.register(Artifact, ExportArtifactAdmin)
