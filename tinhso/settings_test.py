"""Settings for the test suite: the same settings, with fast password hashing and a
var directory of its own for each run (removed at exit), so that parallel runs and
earlier runs never share files, keys or uploads."""

import atexit
import os
import shutil
import tempfile

os.environ["TINHSO_TESTING"] = "1"
# pytest-xdist's workers inherit the controller's environment, its var directory with
# it: each worker makes its own, or one's uploads would show up in another's tests.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if not os.environ.get("TINHSO_VAR_DIR") or _worker:
    _var = tempfile.mkdtemp(prefix=f"tinhso-test-{_worker or 'main'}-")
    os.environ["TINHSO_VAR_DIR"] = _var
    atexit.register(shutil.rmtree, _var, True)

from .settings import *  # noqa: E402,F403

# The test client speaks plain http; the production redirect is checked by `check --deploy`.
SECURE_SSL_REDIRECT = False

# Background jobs run at once, after commit, in the test's own thread.
JOBS_EAGER = True

# Each test rolls back what it changed: cached catalogue searches ask every time.
CATALOGUE_CACHE_SECONDS = 0
CATALOGUE_STAMP_LOCAL_SECONDS = 0
PUBLIC_CACHE_SECONDS = 0  # on in the tests of root.middleware.PublicCacheMiddleware

# The shared cache is the test database's table whatever REDIS_URL says: each run, and
# each test's transaction, keeps its own counts (a Redis would be shared by parallel
# runs, and emptying it between tests would empty it for everyone).
CACHES: dict[str, dict] = {
    **CACHES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tinhso_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
    },
}
