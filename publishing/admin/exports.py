"""Admin of marketplace exports: the artifact page shows each export's validation report.

Extends the artifact admin of publishing.admin.jobs (same list, download and
permissions) with the report columns and an action that rebuilds exports.
"""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from publishing.exports.report import reason_text
from publishing.exports.service import ARTIFACT_KIND, ExportError, request_export
from publishing.models import Artifact

from .jobs import ArtifactAdmin


class ExportArtifactAdmin(ArtifactAdmin):
    list_display = ArtifactAdmin.list_display[:-1] + ("items_display", "excluded_display",
                                                      ArtifactAdmin.list_display[-1])
    fields = ArtifactAdmin.fields + ("report_summary", "report_excluded")
    readonly_fields = fields
    actions = ("rebuild_exports",)

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
