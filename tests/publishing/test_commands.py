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


@pytest.mark.django_db
def test_publish_skus_without_a_channel_respects_an_explicit_unpublish(committed, capsys):
    web = make_channel("web", languages=("en",))
    app = make_channel("app", languages=("en",))
    shop = make_channel("shop", languages=("en",))
    make_complete_product(sku="DRILL-1", names={"en": "Drill"})
    with committed():
        call_command("publish", "--channel", "web", "DRILL-1")
        call_command("publish", "--channel", "app", "DRILL-1")
        call_command("unpublish", "--channel", "app", "DRILL-1")
    capsys.readouterr()
    from catalog.models import Product

    product = Product.objects.get(sku="DRILL-1")
    with committed():
        # Bypass the signals, as a raw SQL fix would: only the command republishes.
        Product._parler_meta.root_model.objects.filter(master=product, language_code="en").update(
            name="Drill, renamed",
        )
        call_command("publish", "DRILL-1")
    out = capsys.readouterr().out
    assert "web: 1 published" in out and "app: 0 published" in out and "shop: 0 published" in out
    assert ProductSnapshot.objects.get(channel=web, sku="DRILL-1").document["name"] == "Drill, renamed"
    withdrawn = ProductSnapshot.objects.get(channel=app, sku="DRILL-1")
    assert withdrawn.deleted  # still a tombstone: the unpublish stands
    assert not Publication.objects.get(channel=app, product=product).is_published
    assert not Publication.objects.filter(channel=shop).exists()
    assert not ProductSnapshot.objects.filter(channel=shop).exists()


@pytest.mark.django_db
def test_publish_skus_wanted_nowhere_says_so(committed):
    make_channel("web", languages=("en",))
    make_complete_product(sku="DRILL-1", names={"en": "Drill"})
    make_complete_product(sku="SAW-1", names={"en": "Saw"})
    with committed():
        call_command("publish", "--channel", "web", "SAW-1")
    with pytest.raises(CommandError, match=r"Not published on any channel, left alone: DRILL-1 \(publish with "
                                           r"--channel CODE\)"):
        call_command("publish", "SAW-1", "DRILL-1")
    assert not ProductSnapshot.objects.filter(sku="DRILL-1").exists()
    assert not Publication.objects.filter(product__sku="DRILL-1").exists()
