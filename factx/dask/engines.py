"""The engine as configuration that travels to the workers, and each worker process's engines."""
from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from factx.engine import Engine

_engines: dict[EngineConfig, Engine] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class EngineConfig:
    """What an engine is built from; every worker builds the same engine from it.

    :param plugins: plugin modules, by importable name (a module is taken by its name):
        every worker imports them.
    :param plugins_dirs: folders of plugin files, as in `Engine`; made absolute, and
        read by each worker at that path.
    :param rules_dirs: rule files or folders loaded last, as in `Engine`.
    :param settings: plugin settings, as in `Engine`; a `Path` is made absolute (as `--rates`).

    Small and hashable: it is what tasks carry, never the engine itself.
    """

    plugins: tuple[str, ...] = ()
    plugins_dirs: tuple[str, ...] = ()
    rules_dirs: tuple[str, ...] = ()
    settings: tuple[tuple[str, Any], ...] = ()
    builtins: bool = True
    load_entrypoints: bool = True
    strict: bool = False

    @classmethod
    def of(cls, plugins: Iterable[str | ModuleType] = (), *, plugins_dirs: Iterable[str | Path] = (),
           rules_dirs: Iterable[str | Path] = (), settings: Mapping[str, Any] | None = None,
           builtins: bool = True, load_entrypoints: bool = True, strict: bool = False) -> EngineConfig:
        """A configuration from `Engine`'s arguments, in a form every worker reads the same way."""
        return cls(
            plugins=tuple(p if isinstance(p, str) else p.__name__ for p in plugins),
            plugins_dirs=tuple(str(Path(d).resolve()) for d in plugins_dirs),
            rules_dirs=tuple(str(Path(d).resolve()) for d in rules_dirs),
            settings=tuple(sorted((str(k), str(v.resolve()) if isinstance(v, Path) else v)
                                  for k, v in (settings or {}).items())),
            builtins=builtins, load_entrypoints=load_entrypoints, strict=strict,
        )

    def build(self) -> Engine:
        """A new engine from this configuration."""
        from importlib import import_module

        return Engine([import_module(name) for name in self.plugins], builtins=self.builtins,
                      load_entrypoints=self.load_entrypoints, plugins_dirs=self.plugins_dirs,
                      rules_dirs=self.rules_dirs, strict=self.strict, settings=dict(self.settings))


def engine_for(config: EngineConfig) -> Engine:
    """This process's engine for `config`: built on first use, then kept for every later task.

    A worker runs tasks in threads; the lock makes them wait for one build
    rather than each build their own (an engine, once built, is shared safely).
    """
    engine = _engines.get(config)
    if engine is None:
        with _lock:
            engine = _engines.get(config)
            if engine is None:
                engine = _engines[config] = config.build()
    return engine
