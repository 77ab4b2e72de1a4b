"""``manage.py serve``: the web server plus the job worker and the scheduler.

What ``make run`` ends with. The server is Django's runserver (without the
autoreloader, so signals reach it directly); with ``PIM_TASKS_BACKEND=db`` the
worker (``db_worker``) and the scheduler (``run_scheduler``) run as child
processes. SIGINT/SIGTERM stop all of them; if one dies, the others are
stopped too, so nothing keeps running half-configured.
"""

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pim.management.commands.bootstrap import manage_py

STOP_TIMEOUT = 10.0


def _die_with_parent():
    """Child set-up (Linux): get SIGTERM if serve itself is killed hard."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def process_plan(host, port, backend, *, worker=True, scheduler=True):
    """[(name, argv)] of the processes ``serve`` starts for this task backend."""
    manage = [sys.executable, os.path.join(settings.BASE_DIR, "manage.py")]
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    runserver = [*manage, "runserver", address, "--noreload"] + (["--ipv6"] if ":" in host else [])
    plan = [("web", runserver)]
    if backend == "db" and worker:
        plan.append(("worker", [*manage, "db_worker", "--no-reload"]))
    elif backend == "rq" and worker:
        # One local RQ worker; more can join the same Redis from any host.
        plan.append(("worker", [*manage, "rqworker", *settings.RQ_QUEUES, "--job-class", "django_tasks_rq.Job",
                                "--with-scheduler"]))
    if scheduler:
        plan.append(("scheduler", [*manage, "run_scheduler"]))
    return plan


class Command(BaseCommand):
    help = _("Serve the hub with its background worker and scheduler.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--no-worker", action="store_true", help=_("Do not start the job worker."))
        parser.add_argument("--no-scheduler", action="store_true", help=_("Do not start the scheduler."))

    def handle(self, *args, host, port, no_worker=False, no_scheduler=False, **options):
        if not 0 < port < 65536:
            raise CommandError(_("Invalid port: %(port)s") % {"port": port})
        browse_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        bracketed = f"[{browse_host}]" if ":" in browse_host else browse_host
        base_url = f"http://{bracketed}:{port}"
        env = self._child_environment(host, base_url)

        plan = process_plan(host, port, settings.PIM_TASKS_BACKEND, worker=not no_worker, scheduler=not no_scheduler)
        backend = settings.PIM_TASKS_BACKEND

        self.children = []
        self.stopping = False
        signal.signal(signal.SIGINT, self._request_stop)
        signal.signal(signal.SIGTERM, self._request_stop)
        for name, command in plan:
            # A session of their own: Ctrl+C reaches serve only, which stops
            # the children once, in order (a second SIGINT would make the
            # worker abort its running job).
            process = subprocess.Popen(
                command, env=env, cwd=settings.BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent,
            )
            self.children.append((name, process))

        if self._wait_for_port(browse_host, port):
            self._banner(base_url, backend)
        exit_code = self._supervise()
        self._stop_children()
        if exit_code:
            sys.exit(exit_code)

    def _child_environment(self, host, base_url):
        env = dict(os.environ)
        # Links in pages, feeds and QR codes must point at this server.
        env.setdefault("PIM_BASE_URL", base_url)
        if "PIM_ALLOWED_HOSTS" not in os.environ and host not in ("0.0.0.0", "::", ""):
            env["PIM_ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*settings.ALLOWED_HOSTS, host]))
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _request_stop(self, signum, frame):
        self.stopping = True

    def _wait_for_port(self, host, port, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stopping:
            if any(process.poll() is not None for _name, process in self.children):
                return False
            try:
                with socket.create_connection((host, port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.2)
        return False

    def _banner(self, base_url, backend):
        lines = [
            "",
            _("The PIM hub is running:"),
            f"  {_('site'):<10} {base_url}/",
            f"  {_('admin'):<10} {base_url}/admin/",
            f"  {_('API docs'):<10} {base_url}/api/docs/",
        ]
        labels = {"worker": _("worker"), "scheduler": _("scheduler")}
        for name, process in self.children[1:]:
            lines.append(f"  {labels[name]:<10} pid {process.pid}")
        if backend not in ("db", "rq"):
            lines.append(_("  Jobs use the %(backend)s backend: no embedded worker started.") % {"backend": backend})
        admin_name = self._first_admin()
        if admin_name:
            lines.append(_("  Log in as %(name)s (password printed by bootstrap; reset it with: %(command)s)") % {
                "name": admin_name, "command": f"{manage_py()} changepassword {admin_name}",
            })
        lines.append(_("Press Ctrl+C to stop."))
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
        self.stdout.flush()

    def _first_admin(self):
        from django.contrib.auth import get_user_model

        User = get_user_model()
        try:
            return (User.objects.filter(is_superuser=True, is_active=True).order_by("pk")
                    .values_list(User.USERNAME_FIELD, flat=True).first())
        except Exception:  # not migrated yet: the banner is still useful
            return None

    def _supervise(self):
        while not self.stopping:
            for name, process in self.children:
                code = process.poll()
                if code is not None:
                    self.stderr.write(_("%(name)s exited with status %(code)s; stopping the others.")
                                      % {"name": name, "code": code})
                    return code or 1
            time.sleep(0.2)
        return 0

    def _stop_children(self):
        running = [(name, process) for name, process in self.children if process.poll() is None]
        for _name, process in running:
            try:
                process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(_("%(name)s did not stop in time; killing it.") % {"name": name})
                process.kill()
                process.wait()
        self.stdout.write(_("Stopped."))
