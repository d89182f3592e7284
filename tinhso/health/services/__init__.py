"""Every write of the health app: one module per use-case family, re-exported here."""

from .appointments import *  # noqa: F403
from .checkin import *  # noqa: F403
from .facilities import *  # noqa: F403
from .patients import *  # noqa: F403
from .record import *  # noqa: F403
