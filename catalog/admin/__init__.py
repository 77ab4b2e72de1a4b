"""Admin of the catalog: the product editor and the reference data it uses."""

from . import attributes, inventory, media, pricing, products, taxonomy  # noqa: F401
from . import spreadsheets  # noqa: F401,E402  (extends the product admin registered above)
