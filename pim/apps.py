"""The project app: roles are (re)ensured after every migrate."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles_after_migrate(sender, using="default", **kwargs):
    # post_migrate is sent once per app that has models (pim has none); the
    # roles need every app's permissions, so act on the last one only.
    from django.apps import apps as live_apps
    from django.contrib.auth.management import create_permissions

    from pim.roles import ensure_roles

    with_models = [config for config in live_apps.get_app_configs() if config.models_module is not None]
    if not with_models or sender is not with_models[-1]:
        return
    for config in with_models:  # idempotent; covers handlers that ran in another order
        create_permissions(config, verbosity=0, using=using)
    ensure_roles(using=using)


class PimConfig(AppConfig):
    name = "pim"
    verbose_name = "PIM hub"

    def ready(self):
        post_migrate.connect(_ensure_roles_after_migrate, dispatch_uid="pim.ensure_roles")
