"""The project app: roles are (re)ensured after every migrate."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles_after_migrate(sender, app_config=None, using="default", apps=None, **kwargs):
    # Permissions are created per app by post_migrate too, and this app runs
    # before catalog and publishing: create them all first, then the roles.
    from django.apps import apps as live_apps
    from django.contrib.auth.management import create_permissions

    from pim.roles import ensure_roles

    for config in live_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    ensure_roles(using=using)


class PimConfig(AppConfig):
    name = "pim"
    verbose_name = "PIM hub"

    def ready(self):
        post_migrate.connect(_ensure_roles_after_migrate, sender=self, dispatch_uid="pim.ensure_roles")
