"""Errors with stable codes, and the exit codes of the command line."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import IntEnum
from types import ModuleType
from typing import Any


class ExitCode(IntEnum):
    """Exit codes of `factx`."""

    OK = 0
    DOCUMENTS_FAILED = 1
    USAGE = 2
    BAD_RULES_OR_PLUGIN = 3
    INTERNAL = 4


# Codes are a stable API: messages may change, codes may not.
CODES = {
    "FX100": "rule file is not valid TOML",
    "FX101": "pattern does not compile",
    "FX102": "undefined macro or list",
    "FX103": "macros refer to each other in a cycle",
    "FX104": "macro or list defined twice",
    "FX105": "rule id defined twice",
    "FX106": "malformed rule file",
    "FX107": "rule for a fact type no plugin extracts",
    "FX108": "rule file not found or unreadable",
    "FX109": "override of a rule id no loaded rule has, and not a complete rule",
    "FX110": "rule file past a bound: macros nested too deep, a pattern too large, TOML nested too deep",
    "FX201": "plugin failed to import",
    "FX202": "plugin hook failed while loading",
    "FX203": "plugin declares an invalid fact type",
    "FX204": "plugin implements an unknown hook",
    "FX205": "two plugins declare the same fact type",
    "FX206": "a setting is invalid",
    "FX301": "plugin raised while extracting",
    "FX302": "fact failed validation",
    "FX303": "fact cannot be written in the output format",
    "FX304": "rule cut off on a document: out of time",
    "FX401": "no such file or folder",
    "FX402": "empty document",
    "FX403": "binary file",
    "FX404": "not UTF-8 (or not Unicode text)",
    "FX405": "bad JSON Lines record or document",
    "FX406": "cannot read file (or not a regular file)",
    "FX407": "cannot write the output",
    "FX501": "request body is not JSON",
    "FX502": "request does not fit the API's schema",
    "FX503": "unknown fact type",
    "FX504": "request body too large",
    "FX505": "document too long",
    "FX506": "request took too long",
    "FX507": "no such endpoint or method",
    "FX508": "internal error in the server",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem: `where` is `file:line`, a document or a plugin."""

    code: str
    message: str
    where: str = ""
    rule: str = ""

    def __str__(self) -> str:
        head = " ".join(part for part in (self.where, self.rule) if part)
        return f"{head}: [{self.code}] {self.message}" if head else f"[{self.code}] {self.message}"


class FactxError(Exception):
    """An error carrying one or more problems, printed one per line."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def __reduce__(self):
        return type(self), (self.problems,)


class RuleError(FactxError):
    """One or more rule files are broken."""

    exit_code = ExitCode.BAD_RULES_OR_PLUGIN


class PluginError(FactxError):
    """A plugin failed to load, or misbehaved under `strict`."""

    exit_code = ExitCode.BAD_RULES_OR_PLUGIN


class SettingsError(FactxError, ValueError):
    """A setting no plugin reads, or one a plugin rejected (a bad option value or rates file): a usage error."""

    exit_code = ExitCode.USAGE


def debugging() -> bool:
    """Whether FACTX_DEBUG asks for tracebacks."""
    return os.environ.get("FACTX_DEBUG", "") not in ("", "0")


def raised_at(error: BaseException, plugin: Any = None, full: bool = False) -> str:
    """`Type: message (at FILE:LINE, in FUNCTION)`: the error, and the line of the plugin's own code
    it came through (the deepest frame in the plugin's file; else where it was raised). With `full`,
    the whole traceback follows on the next lines."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    own = _source_file(plugin)
    mine = [f for f in frames if own and os.path.realpath(f.filename) == own]
    line = f"{type(error).__name__}: {error}"
    if frames:
        at = (mine or frames)[-1]
        line += f" (at {_shown(at.filename)}:{at.lineno}, in {at.name}"
        if mine and frames[-1] is not at:
            line += f"; raised at {_shown(frames[-1].filename)}:{frames[-1].lineno}"
        line += ")"
    if full:
        line += "\n" + "".join(traceback.format_exception(error)).rstrip()
    return line


def _source_file(plugin: Any) -> str | None:
    """The real path of the file a plugin's code is in: a module's, or its class's module's."""
    if isinstance(plugin, ModuleType):
        module = plugin
    else:
        module = sys.modules.get((plugin if isinstance(plugin, type) else type(plugin)).__module__)
    path = getattr(module, "__file__", None)
    return os.path.realpath(path) if path else None


def _shown(path: str) -> str:
    """A source path as messages show it: a built-in plugin's from `plugins/`, others under the working
    folder relative to it."""
    real = os.path.realpath(path)
    package = os.path.dirname(os.path.realpath(__file__))
    for folder in ("plugins", "rules"):
        home = os.path.realpath(os.path.join(package, folder))
        if real.startswith(home + os.sep):
            return f"{folder}/{os.path.relpath(real, home)}"
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative
