"""Admin of the publishing core; one module per area."""

from . import core, feed, jobs  # noqa: F401
from . import exports  # noqa: F401
from . import pdf  # noqa: F401
from . import campaigns  # noqa: F401
