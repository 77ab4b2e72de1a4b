"""Delete old product history versions by age and by count per product."""

from django.core.management.base import BaseCommand, CommandError

from catalog.history import prune


class Command(BaseCommand):
    help = ("Prune history (products and reference records): drop versions older than --days and beyond "
            "the newest --keep per product or record.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Drop versions older than this many days.")
        parser.add_argument("--keep", type=int, default=None, help="Keep at most this many versions per product.")

    def handle(self, *args, days, keep, **options):
        if days is None and keep is None:
            raise CommandError("Give --days, --keep or both.")
        if (days is not None and days < 0) or (keep is not None and keep < 1):
            raise CommandError("--days must be 0 or more and --keep 1 or more.")
        deleted = prune(older_than_days=days, keep=keep)
        self.stdout.write(f"Deleted {deleted} history versions.")
