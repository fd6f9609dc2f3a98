"""factx: rule-based fact extraction with plugins, rule files and validated records."""
from factx.candidates import Candidate, Draft
from factx.documents import Document
from factx.engine import Engine, Result
from factx.errors import ExitCode, FactxError, PluginError, Problem, RuleError, SettingsError
from factx.hookspecs import hookimpl
from factx.records import Fact, FactType, RangedValue, Value
from factx.rulebook import Rule, RuleSet

__version__ = "0.1.0"

__all__ = [
    "Candidate", "Document", "Draft", "Engine", "ExitCode", "Fact", "FactType", "FactxError", "PluginError",
    "Problem", "RangedValue", "Result", "Rule", "RuleError", "RuleSet", "SettingsError", "Value", "hookimpl", "__version__",
]
