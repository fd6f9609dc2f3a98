from pathlib import Path

import pytest

from factx import Engine

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The built-in engine, shared: an engine is immutable once built."""
    return Engine(load_entrypoints=False)
