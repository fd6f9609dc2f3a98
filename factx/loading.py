"""Finding and importing plugins: built-ins, entry points, plugin folders."""
from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from dataclasses import dataclass, field
from importlib.metadata import Distribution, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from factx.errors import PluginError, Problem
from factx.records import FactType

ENTRY_POINT_GROUP = "factx"
BUILTIN_PACKAGE = "factx.plugins"


@dataclass
class PluginInfo:
    """A registered plugin: where it came from and what it contributes."""

    name: str
    source: str  # "core", "built-in", "entry point", "plugins dir" or "api"
    origin: str  # module, distribution or file it came from
    obj: Any = field(repr=False)
    fact_type: FactType | None = None
    rule_paths: list[Any] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)
    rule_count: int = 0

    @property
    def version(self) -> str:
        return self.fact_type.version if self.fact_type else ""


def disabled_plugins() -> set[str]:
    """Names listed in FACTX_DISABLE_PLUGINS (comma-separated): the way out of a broken plugin."""
    return {name.strip() for name in os.environ.get("FACTX_DISABLE_PLUGINS", "").split(",") if name.strip()}


def import_plugin(module_name: str, name: str, origin: str) -> ModuleType:
    """Import a plugin module by name, wrapping any failure in a PluginError."""
    try:
        return importlib.import_module(module_name)
    except Exception as e:
        raise PluginError(Problem("FX201", f'error importing plugin "{name}" from {origin}: {type(e).__name__}: {e}')) from e


def builtin_plugins() -> list[tuple[str, str]]:
    """(name, module) of each built-in plugin, from the modules of `factx.plugins`."""
    package = importlib.import_module(BUILTIN_PACKAGE)
    return [(m.name, f"{BUILTIN_PACKAGE}.{m.name}") for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]


def entry_point_plugins() -> list[tuple[str, str, str]]:
    """(name, module, distribution) of each plugin in the `factx` entry-point group."""
    return [(ep.name, ep.value.split(":")[0], _label(ep.dist)) for ep in entry_points(group=ENTRY_POINT_GROUP)]


def _label(dist: Distribution | None) -> str:
    """"name version" of a distribution, from the header of its metadata.

    `dist.name` and `dist.version` run the email parser over all the metadata,
    whose first use costs a short run more than finding the plugins does.
    """
    if dist is None:
        return "unknown distribution"
    header = {}
    for line in (dist.read_text("METADATA") or dist.read_text("PKG-INFO") or "").split("\n\n", 1)[0].splitlines():
        key, colon, value = line.partition(":")
        if colon and not line[:1].isspace():
            header.setdefault(key.strip().lower(), value.strip())
    if "name" in header and "version" in header:
        return f"{header['name']} {header['version']}"
    return f"{dist.name} {dist.version}"


def module_from_path(path: Path) -> ModuleType:
    """Import a `.py` file as a module, wrapping any failure in a PluginError."""
    module_name = f"factx_plugins_dir.{path.stem}_{abs(hash(str(path.resolve()))):x}"
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ImportError("not a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        return module
    except Exception as e:
        sys.modules.pop(module_name, None)
        raise PluginError(Problem("FX201", f'error importing plugin "{path.stem}": {type(e).__name__}: {e}', str(path))) from e


def plugins_dir_files(directory: Path) -> list[Path]:
    """The plugin files of a `--plugins-dir` folder."""
    if not directory.is_dir():
        raise PluginError(Problem("FX201", "plugins dir is not a folder", str(directory)))
    return sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))
