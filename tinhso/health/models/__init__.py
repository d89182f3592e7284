"""The health app's data: clinical (facilities, patients, the record, prescriptions,
appointments) and certificates (vaccination certificates, issuer keys)."""

from .certificates import *  # noqa: F403
from .clinical import *  # noqa: F403
