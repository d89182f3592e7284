"""The health app's data: clinical (facilities, patients, encounters), the record,
prescriptions, appointments, and certificates (vaccination certificates, issuer keys)."""

from .appointments import *  # noqa: F403
from .certificates import *  # noqa: F403
from .clinical import *  # noqa: F403
from .prescriptions import *  # noqa: F403
from .record import *  # noqa: F403
