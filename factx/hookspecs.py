"""The hooks a factx plugin implements: the plugin author's API reference.

A plugin is a module or object with functions marked `@factx.hookimpl` and
named after the hooks below. It is registered from the entry-point group
`factx`, from a `--plugins-dir` folder, or with `Engine(plugins=[...])`.
A plugin extracts one fact type: it declares it with
`factx_register_fact_types`, may ship rule files with
`factx_register_rule_paths`, and turns rule matches into candidate facts in
`factx_extract`, with the helpers of `factx.toolkit`. The engine resolves
overlaps, stamps provenance (`rule`, `plugin`, `rule_file`) and validates
every record; a plugin never does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from factx.candidates import Candidate
    from factx.documents import Document
    from factx.records import FactType
    from factx.rulebook import RuleSet

hookspec = pluggy.HookspecMarker("factx")
hookimpl = pluggy.HookimplMarker("factx")


@hookspec
def factx_register_fact_types(register: Callable[[FactType], None]) -> None:
    """Declare the fact type this plugin extracts.

    Called once when the engine is built. Call ``register(FactType(name,
    value_model, version))``: ``name`` is the ``type`` of the records and the
    prefix of the plugin's rule ids (``percent.number_unit``),
    ``value_model`` a subclass of ``factx.Value`` that validates every
    record's ``value``, ``version`` the plugin's version. A plugin that
    implements ``factx_extract`` registers exactly one fact type; a fact
    type registered by two plugins is an error.

    :param register: callback taking a ``factx.FactType``.
    """


@hookspec
def factx_register_rule_paths(register: Callable[[Path | Traversable], None]) -> None:
    """Contribute rule files or folders of ``*.toml`` rule files.

    Called once when the engine is built. Paths may be ``pathlib.Path`` or
    ``importlib.resources`` traversables (for files inside a package). Rules
    are loaded in registration order; the rule folders given by the user
    (``--rules-dir``) load last and override rules with the same id. Macros
    and word lists defined in any loaded file can be used by every file.

    :param register: callback taking a path.
    """


@hookspec
def factx_register_settings(register: Callable[[str, str], None]) -> None:
    """Declare the settings this plugin reads in ``factx_configure``.

    Called once when the engine is built, before any ``factx_configure``.
    Call ``register(name, description)`` once per setting key. A key given
    to the engine that no loaded plugin declares is an error (FX206, naming
    the closest declared key), so that a misspelt setting never passes
    unnoticed. Two plugins may declare the same key and read it alike.

    :param register: callback taking a setting's name and a one-line description.
    """


@hookspec
def factx_configure(settings: Mapping[str, Any]) -> Any:
    """Read the engine's settings once, when the engine is built.

    Settings come from ``Engine(settings=...)`` or the command line
    (``--date-order``, ``--prefer``, ``--convert-to``, ``--rates``); each
    plugin reads the keys it declared with ``factx_register_settings`` and
    ignores the rest. Whatever this
    returns is passed back to this plugin's ``factx_extract`` as ``config``
    (so two engines with different settings can share a plugin module).
    Raise ``ValueError`` with a one-line message for an invalid setting: the
    run stops with a usage error naming the plugin. ``None`` means no config.

    :param settings: a read-only mapping of setting names to values.
    """


@hookspec
def factx_extract(document: Document, rules: RuleSet, config: Any) -> Iterable[Candidate] | None:
    """Find the candidate facts of this plugin's fact type in a document.

    Called once per document for each plugin with a fact type. Return (or
    yield) ``factx.Candidate`` objects; ``rules.candidates(document.text,
    build)`` makes them from the plugin's rule matches, and ``factx.toolkit``
    has what ``build`` needs (numbers, ranges, approximators, units).
    Candidates of all plugins compete for their spans (see
    ``factx.overlaps``); the winners' drafts become records. Offsets are
    Python ``str`` indices into ``document.text``. An exception is reported
    (FX301) with the plugin, the document and the line of the plugin's own
    file it came through (with ``FACTX_DEBUG=1``, the whole traceback), and
    does not stop the other plugins; under ``strict`` the ``PluginError``
    raised has it as ``__cause__``. ``None`` means no candidates.

    :param document: the document, with its ``reference_date`` (or None).
    :param rules: the compiled rules whose ids start with this plugin's
        fact type, and the shared word lists (``rules.lookup``).
    :param config: what this plugin's ``factx_configure`` returned, or None.
    """


@hookspec(firstresult=True)
def factx_reference_date(document: Document) -> date | None:
    """Find the date a document was written, from its own text.

    Called for a document that has no reference date from its metadata or
    the caller, when the engine is asked to find one (``auto``). The core
    implements it last, reading a dateline or "Published:" line; implement it
    to read other conventions. Stops at first non-None result. ``None`` means
    this plugin cannot tell.

    :param document: the document; its ``reference_date`` is None.
    """
