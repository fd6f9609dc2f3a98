import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Compiled patterns are cached in a folder of this run only, never the user's cache
# (set before any engine is built, including those built while collecting tests);
# it starts empty, so the first engine compiles and the later ones read the cache.
_CACHE = tempfile.mkdtemp(prefix="factx-test-cache-")
os.environ["FACTX_CACHE_DIR"] = _CACHE
os.environ.pop("FACTX_NO_CACHE", None)
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

# Machines here are shared and loaded: property tests are judged on results, never on time.
settings.register_profile("factx", deadline=None)
settings.load_profile("factx")

from factx import Engine

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The built-in engine, shared: an engine is immutable once built."""
    return Engine(load_entrypoints=False)
