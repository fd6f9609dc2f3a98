"""Running `factx serve`: uvicorn over the app, with one engine in each worker process."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import uvicorn

from factx import Engine
from factx.serve.app import Limits, create_app

CONFIG_VARIABLE = "FACTX_SERVE_CONFIG"


@dataclass(frozen=True)
class EngineOptions:
    """How to build the engine, again in each worker process."""

    plugins_dirs: list[str] = field(default_factory=list)
    rules_dirs: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)

    def build(self) -> Engine:
        return Engine(plugins_dirs=self.plugins_dirs, rules_dirs=self.rules_dirs, settings=self.settings)


def serve(engine: Engine, options: EngineOptions, limits: Limits, host: str = "127.0.0.1", port: int = 8000,
          workers: int = 1, access_log: bool = True) -> None:
    """Serve until interrupted: `engine` itself in one process, or an engine built from `options` in each of `workers`."""
    if workers == 1:
        uvicorn.run(create_app(engine, limits), host=host, port=port, access_log=access_log)
        return
    # uvicorn starts each worker as a fresh interpreter that imports the app by name: it builds the
    # same engine from the options left here (the one given has checked them already).
    os.environ[CONFIG_VARIABLE] = json.dumps({"engine": asdict(options), "limits": asdict(limits)})
    uvicorn.run(f"{__name__}:app_from_environment", factory=True, host=host, port=port, workers=workers,
                access_log=access_log)


def app_from_environment():
    """The app of one worker process, with its own engine, from the options `serve` left in the environment."""
    config = json.loads(os.environ[CONFIG_VARIABLE])
    return create_app(EngineOptions(**config["engine"]).build(), Limits(**config["limits"]))
