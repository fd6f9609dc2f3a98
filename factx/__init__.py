"""factx: rule-based fact extraction with plugins, rule files and validated records."""
from __future__ import annotations

from typing import TYPE_CHECKING

from factx.lazy import lazy_exports

__version__ = "0.1.0"

# Each public name is imported from its module on first use (PEP 562), so that
# `import factx` and commands that need no engine (`factx --help`) stay cheap.
_EXPORTS = {
    "Candidate": "factx.candidates", "Draft": "factx.candidates", "Document": "factx.documents",
    "Engine": "factx.engine", "Result": "factx.engine", "ExitCode": "factx.errors", "FactxError": "factx.errors",
    "PluginError": "factx.errors", "Problem": "factx.errors", "RuleError": "factx.errors",
    "SettingsError": "factx.errors", "hookimpl": "factx.hookspecs", "Fact": "factx.records",
    "FactType": "factx.records", "RangedValue": "factx.records", "Value": "factx.records",
    "Rule": "factx.rule", "RuleSet": "factx.rulebook",
}

__all__ = [
    "Candidate", "Document", "Draft", "Engine", "ExitCode", "Fact", "FactType", "FactxError", "PluginError",
    "Problem", "RangedValue", "Result", "Rule", "RuleError", "RuleSet", "SettingsError", "Value", "hookimpl", "__version__",
]

__getattr__, __dir__ = lazy_exports(_EXPORTS, globals())

if TYPE_CHECKING:
    from factx.candidates import Candidate, Draft
    from factx.documents import Document
    from factx.engine import Engine, Result
    from factx.errors import ExitCode, FactxError, PluginError, Problem, RuleError, SettingsError
    from factx.hookspecs import hookimpl
    from factx.records import Fact, FactType, RangedValue, Value
    from factx.rule import Rule
    from factx.rulebook import RuleSet
