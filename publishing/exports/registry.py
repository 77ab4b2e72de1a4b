"""The export formats: code, file name, content type and the function that writes it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import channel_sheet, google, local_inventory, meta


@dataclass(frozen=True)
class ExportFormat:
    code: str
    label: str
    extension: str
    content_type: str
    write: object  # write(binary_handle, documents, context, report)

    def filename(self, context):
        parts = [context.channel_code, context.locale]
        if context.feed_label and self.code.startswith(("google", "local")):
            parts.append(context.feed_label)
        return f"{'-'.join(parts)}-{self.code}.{self.extension}"


TSV = "text/tab-separated-values; charset=utf-8"
CSV = "text/csv; charset=utf-8"

FORMATS = {
    fmt.code: fmt for fmt in (
        ExportFormat("google-xml", _("Google Merchant Center (XML)"), "xml", "application/xml; charset=utf-8",
                     google.write_xml),
        ExportFormat("google-tsv", _("Google Merchant Center (TSV)"), "tsv", TSV, google.write_tsv),
        ExportFormat("meta-csv", _("Meta catalog (CSV)"), "csv", CSV, meta.write_csv),
        ExportFormat("local-inventory", _("Google local inventory (TSV)"), "tsv", TSV, local_inventory.write_tsv),
        ExportFormat("csv", _("Channel spreadsheet (CSV)"), "csv", CSV, channel_sheet.write_csv),
        ExportFormat("xlsx", _("Channel spreadsheet (XLSX)"), "xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", channel_sheet.write_xlsx),
    )
}


def get_format(code):
    """The format registered under ``code``, or None."""
    return FORMATS.get(code)
