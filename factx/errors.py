"""Errors with stable codes, and the exit codes of the command line."""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


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


class SettingsError(FactxError):
    """A plugin rejected a setting (a bad option value or rates file): a usage error."""

    exit_code = ExitCode.USAGE
