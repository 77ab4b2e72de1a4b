"""Export product texts for one target language as XLIFF 1.2."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.xliff import export_xliff


class Command(BaseCommand):
    help = "Write an XLIFF 1.2 file of product texts from the source language into --locale."

    def add_arguments(self, parser):
        parser.add_argument("--locale", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, locale, output, **options):
        if locale not in settings.LANGUAGE_CODES:
            raise CommandError(f"Unknown language {locale!r}; use one of {', '.join(settings.LANGUAGE_CODES)}.")
        with open(output, "wb") as handle:
            handle.write(export_xliff(locale))
        self.stdout.write(f"Wrote {output}")
