import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from publishing.models import ProductSnapshot, Publication
from tests.factories import make_product

from .helpers import make_channel, make_complete_product


@pytest.mark.django_db
def test_publish_and_unpublish_commands(committed, capsys):
    web = make_channel("web", languages=("en", "fi"))
    app = make_channel("app", languages=("en",))
    product = make_complete_product(sku="DRILL-1", names={"en": "Drill", "fi": "Pora"})
    with committed():
        call_command("publish", "--channel", "web", "DRILL-1")
    assert "web: 1 published" in capsys.readouterr().out
    assert ProductSnapshot.objects.filter(channel=web, sku="DRILL-1", deleted=False).count() == 2
    assert not Publication.objects.filter(channel=app).exists()
    with committed():
        call_command("publish", "--all")
    out = capsys.readouterr().out
    assert "web: 0 published, 1 unchanged" in out and "app: 0 published" in out
    with committed():
        call_command("unpublish", "--channel", "web", "DRILL-1")
    assert "DRILL-1 withdrawn from web (en, fi)" in capsys.readouterr().out
    assert ProductSnapshot.objects.filter(channel=web, deleted=True).count() == 2
    assert product.pk


@pytest.mark.django_db
def test_commands_refuse_bad_input_with_one_clear_line():
    make_channel("web")
    make_complete_product(sku="DRILL-1")
    with pytest.raises(CommandError, match=r"Unknown channel: nope \(known: web\)"):
        call_command("publish", "--channel", "nope")
    with pytest.raises(CommandError, match="Unknown SKU: NOPE-1, NOPE-2"):
        call_command("unpublish", "--channel", "web", "DRILL-1", "NOPE-1", "NOPE-2")
    make_product(sku="BARE", names={"en": "Bare"})
    with pytest.raises(CommandError, match="Not published: BARE@web"):
        call_command("publish", "--channel", "web", "BARE")


def test_command_exit_status_is_non_zero(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "manage.py", "unpublish", "--channel", "x"],
        cwd=settings.BASE_DIR, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("manage.py unpublish: error")
