"""factx on a Dask cluster (the `factx[dask]` extra): bags, DataFrames, and runs over files into a folder.

Tasks carry an `EngineConfig`, never an engine: each worker process builds
the engine once from it (`engine_for`) and keeps it for every later task.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from factx.lazy import lazy_exports

# Each name is imported from its module on first use (PEP 562): a worker that only
# writes part files never loads dask.dataframe and pandas.
_EXPORTS = {
    "EngineConfig": "factx.dask.engines", "engine_for": "factx.dask.engines",
    "extract_bag": "factx.dask.bags", "process_bag": "factx.dask.bags", "extract_frame": "factx.dask.frames",
    "extract_to_folder": "factx.dask.folders", "Summary": "factx.dask.folders", "part_name": "factx.dask.folders",
    "MARKER": "factx.dask.folders", "PROBLEMS": "factx.dask.folders",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(_EXPORTS, globals())

if TYPE_CHECKING:
    from factx.dask.bags import extract_bag, process_bag
    from factx.dask.engines import EngineConfig, engine_for
    from factx.dask.folders import MARKER, PROBLEMS, Summary, extract_to_folder, part_name
    from factx.dask.frames import extract_frame
