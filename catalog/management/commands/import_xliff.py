"""Import translated product texts from an XLIFF 1.2 file."""

from django.core.management.base import BaseCommand, CommandError

from catalog.xliff import XliffError, import_xliff


class Command(BaseCommand):
    help = "Read an XLIFF 1.2 file made by export_xliff and write its translations."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                language, changed = import_xliff(handle.read())
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except XliffError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{language}: {len(changed)} products changed.")
