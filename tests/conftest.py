from pathlib import Path

import pytest
from hypothesis import settings

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
