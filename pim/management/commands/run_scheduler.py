"""``manage.py run_scheduler``: run the periodic duties (one process beside the worker)."""

import logging
import signal
import sys
import threading

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from publishing.scheduler import DUTIES, Scheduler


class Command(BaseCommand):
    help = _("Run the periodic duties (publication windows, sequencing, webhooks, job recovery).")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("Run every duty once and exit (for cron)."))
        parser.add_argument("--list", action="store_true", help=_("List the duties and exit."))

    def handle(self, *args, once=False, list=False, verbosity=1, **options):
        if list:
            for duty in DUTIES:
                self.stdout.write(f"{duty.interval:>8g}s  {duty.name:<32} {duty.path}")
            return
        self._configure_logging(verbosity)
        scheduler = Scheduler()
        if once:
            failed = [name for name, outcome in scheduler.run_pending() if outcome == "failed"]
            if failed:
                self.stderr.write(_("Failed duties: %(names)s") % {"names": ", ".join(failed)})
                sys.exit(1)
            return
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        scheduler.run_forever(stop)

    def _configure_logging(self, verbosity):
        scheduler_logger = logging.getLogger("pim.scheduler")
        scheduler_logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
        if not scheduler_logger.hasHandlers():
            scheduler_logger.addHandler(logging.StreamHandler(self.stdout))
