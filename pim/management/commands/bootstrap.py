"""``manage.py bootstrap``: make a fresh database usable (run by ``make run``).

Loads the demo catalog when there are no products, ensures the default
roles, and creates a first administrator with a random password that is
printed once. There is never a fixed password.
"""

import os
import secrets
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from pim.roles import ensure_roles


def manage_py():
    """How to call manage.py from the project folder, as the user would type it."""
    python = Path(sys.executable)
    try:
        python = python.relative_to(Path(settings.BASE_DIR))
    except ValueError:
        return "python manage.py"
    return f"{python} manage.py"


class Command(BaseCommand):
    help = _("Load the demo catalog into an empty database, ensure the roles and a first administrator.")

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help=_("Do not load the demo catalog."))
        parser.add_argument("--username", default="admin", help=_("Name of the first administrator."))
        parser.add_argument(
            "--base-url", default=None, help=_("Site URL printed with the login link (default: PIM_BASE_URL)."),
        )

    def handle(self, *args, no_demo=False, username="admin", base_url=None, **options):
        base_url = (base_url or os.environ.get("PIM_BASE_URL") or settings.PIM_BASE_URL).rstrip("/")
        if not no_demo:
            self._demo_catalog()
        groups = ensure_roles()
        self.stdout.write(_("Roles: %(names)s") % {"names": ", ".join(groups)})
        self._administrator(username, base_url)

    def _demo_catalog(self):
        from catalog.models import Product

        if Product.objects.exists():
            return
        if "load_demo_catalog" not in get_commands():
            self.stdout.write(self.style.WARNING(
                _("The database has no products and the load_demo_catalog command is not available; "
                  "starting with an empty catalog.")
            ))
            return
        self.stdout.write(_("The database has no products: loading the demo catalog…"))
        call_command("load_demo_catalog", stdout=self.stdout, stderr=self.stderr)

    def _administrator(self, username, base_url):
        User = get_user_model()
        login_url = f"{base_url}/admin/"
        superusers = list(
            User.objects.filter(is_superuser=True, is_active=True)
            .order_by("pk").values_list(User.USERNAME_FIELD, flat=True)[:5]
        )
        if superusers:
            self.stdout.write(_("Log in at %(url)s as %(names)s.") % {"url": login_url, "names": ", ".join(superusers)})
            self.stdout.write(_("Forgot the password? Set a new one with: %(command)s") % {
                "command": f"{manage_py()} changepassword {superusers[0]}",
            })
            return
        name = username
        suffix = 1
        while User.objects.filter(**{User.USERNAME_FIELD: name}).exists():
            suffix += 1
            name = f"{username}{suffix}"
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(**{User.USERNAME_FIELD: name}, email="", password=password)
        lines = [
            _("An administrator was created. The password is shown only this once:"),
            f"  {_('Log in at')}: {login_url}",
            f"  {_('Username')}:  {name}",
            f"  {_('Password')}:  {password}",
            _("Change it with: %(command)s") % {"command": f"{manage_py()} changepassword {name}"},
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
