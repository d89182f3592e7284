"""Settings for the test suite: the same settings, with fast password hashing and a
var directory of its own."""

import os
from pathlib import Path

os.environ["TINHSO_TESTING"] = "1"
os.environ.setdefault(
    "TINHSO_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test")
)

from .settings import *  # noqa: E402,F403

# The test client speaks plain http; the production redirect is checked by `check --deploy`.
SECURE_SSL_REDIRECT = False
