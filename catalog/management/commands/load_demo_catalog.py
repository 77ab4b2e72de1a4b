"""``manage.py load_demo_catalog [--products N] [--seed S] [--append] [--builders N]``: the demo catalog."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from catalog.demo.loader import DEFAULT_PRODUCTS, DEFAULT_SEED, DemoCatalogError, load_demo_catalog


class Command(BaseCommand):
    help = _(
        "Load a deterministic demo catalog in every language (categories, brands, attributes, variants, "
        "pictures, EUR prices, stock), the channels web, app, print and google-fi, the brochure 'demo', "
        "and publish every complete product."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS,
                            help=_("How many products (1 to 100000; default %(default)s)."))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=_("Random seed: the same seed gives the same catalog (default %(default)s)."))
        parser.add_argument("--append", action="store_true",
                            help=_("Add demo products to a catalog that already has products."))
        parser.add_argument("--no-publish", action="store_true",
                            help=_("Only compute completeness; publish later with the publish command."))
        parser.add_argument("--builders", type=int, default=None,
                            help=_("Worker processes that build documents while publishing "
                                   "(default: one per spare CPU core; 0 builds them in this process)."))

    def handle(self, *args, products, seed, append=False, no_publish=False, builders=None, verbosity=1, **options):
        def progress(message):
            if verbosity >= 1:
                self.stdout.write(message)

        try:
            result = load_demo_catalog(products=products, seed=seed, append=append, publish=not no_publish,
                                       progress=progress, builders=builders)
        except DemoCatalogError as error:
            raise CommandError(str(error)) from None
        timings = result["timings"]
        self.stdout.write(self.style.SUCCESS(
            _("Demo catalog loaded: %(products)s products, %(variants)s variants, %(images)s images "
              "(%(files)s files), %(relations)s relations, brochure '%(brochure)s' with %(links)s short links "
              "in %(seconds)s s (%(rate)s products/s).") % {
                "products": result["products"], "variants": result["variants"], "images": result["images"],
                "files": result["image_files"], "relations": result["relations"], "brochure": result["brochure"],
                "links": result["short_links"], "seconds": timings["total"],
                "rate": round(result["products"] / timings["total"], 1) if timings["total"] else result["products"],
            }
        ))
