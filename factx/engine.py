"""The engine: owns the plugin manager, the compiled rules, and extraction."""
from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pluggy
from pydantic import ValidationError

from factx import datelines, hookspecs, matching
from factx.matching import budget
from factx.candidates import Candidate
from factx.documents import (Document, DocumentLike, Reference, ReferenceLike, as_document, document_or_problem,
                             lone_surrogate, parse_reference)
from factx.errors import PluginError, Problem, RuleError, SettingsError, debugging, raised_at
from factx.loading import (
    PluginInfo,
    builtin_plugins,
    disabled_plugins,
    entry_point_plugins,
    import_plugin,
    module_from_path,
    plugins_dir_files,
)
from factx.overlaps import Decision, resolve
from factx.pieces import Piece, pieces
from factx.records import Fact, FactType, sharing_fields_sets
from factx.rulebook import RuleBook, RuleSet, RuleSource, load_rulebook

log = logging.getLogger("factx")

DEFAULT_DOC_TIMEOUT = 60.0
# A document longer than this many characters is read in pieces of about this size (see factx.pieces),
# each with this margin either side: far wider than any fact, so that no fact is cut.
DEFAULT_PIECE_CHARS = 1 << 20
PIECE_MARGIN = 8192
# A rule cut off on this many documents is cut off on every later one.
SWITCH_OFF_AFTER = 3

Types = Iterable[str] | str | None


@dataclass(slots=True)
class Result:
    """What one document, or one piece of it, gave: its facts in document order, and what went wrong.

    `piece` counts from 0 to `pieces` - 1 (see `Engine.process_in_pieces`); a whole document is piece 0 of 1.
    """

    doc_id: str
    facts: list[Fact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    piece: int = 0
    pieces: int = 1


class Engine:
    """Loads plugins and rules once; extracts facts from any number of documents.

    :param plugins: extra plugin objects or modules to register (one alone, or several).
    :param builtins: register the built-in plugins.
    :param load_entrypoints: register plugins installed under the `factx` entry-point group.
    :param plugins_dirs: folders whose `*.py` files are plugins (one path, or several). A plugin
        there replaces a built-in or installed plugin of the same name; `notices` says so.
    :param rules_dirs: rule files or folders (one path, or several) loaded last: a rule there
        with the id of a loaded rule overrides the fields it gives (``enabled = false`` alone
        turns it off); an id no loaded rule has must be a complete rule (else FX109).
    :param strict: raise on a plugin error or an invalid fact instead of reporting and dropping it.
    :param settings: options for plugins, e.g. ``date_order``, ``prefer``, ``convert_to``, ``rates``
        (see each plugin); each plugin reads them once in ``factx_configure``. A key no loaded
        plugin declares (``factx_register_settings``) is an error (FX206).
    :param doc_timeout: seconds the rules may take on one document (None: no limit); a rule still
        running then, or whose one try takes over ``factx.matching.budget.MAX_CALL`` seconds, is cut off
        on that document and reported (FX304). A document read in pieces has this time for each piece.
    :param piece_chars: a document longer than this many characters is read in pieces of about this
        size (see `process_in_pieces`), so that what extraction holds stays bounded.
    :param matcher: how rules are matched, ``"hyperscan"`` or ``"regex"`` (see ``factx.matching``);
        by default ``FACTX_MATCHER``, else ``hyperscan`` where it is installed. Both give the same facts.

    Bad arguments raise at once: ``SettingsError`` (a ``ValueError``) for settings, ``ValueError``
    for other bad values, ``TypeError`` for arguments of the wrong type. Built once, an engine
    holds no per-document state and is safe to share between threads.
    """

    def __init__(
        self,
        plugins: Iterable[Any] | Any = (),
        *,
        builtins: bool = True,
        load_entrypoints: bool = True,
        plugins_dirs: Iterable[str | Path] | str | Path = (),
        rules_dirs: Iterable[str | Path] | str | Path = (),
        strict: bool = False,
        settings: Mapping[str, Any] | None = None,
        matcher: str | None = None,
        doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
        piece_chars: int = DEFAULT_PIECE_CHARS,
    ):
        if isinstance(piece_chars, bool) or not isinstance(piece_chars, int) or piece_chars < 1:
            raise ValueError(f"piece_chars must be a whole number of 1 or more, not {piece_chars!r}")
        if doc_timeout is not None and (isinstance(doc_timeout, bool) or not isinstance(doc_timeout, int | float)
                                        or not doc_timeout > 0):
            raise ValueError(f"doc_timeout must be a number of seconds above 0, or None, not {doc_timeout!r}")
        if settings is not None and not isinstance(settings, Mapping):
            raise TypeError(f"settings must be a mapping of setting names to values, not {type(settings).__name__}")
        self.strict = strict
        self.doc_timeout = doc_timeout
        self.piece_chars = piece_chars
        self._strikes: dict[str, int] = {}  # rule id -> documents it was cut off on
        self._switched_off: dict[str, str] = {}
        self._lock = threading.Lock()
        self.settings = MappingProxyType(dict(settings or {}))
        self.notices: list[str] = []  # what the caller may want to know, such as a plugin replaced
        self.pm = pluggy.PluginManager("factx")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self._register(datelines, "factx.datelines", "core", "factx")
        self._register_all(_plugin_list(plugins), builtins, load_entrypoints, _paths(plugins_dirs, "plugins_dirs"))
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as e:
            raise PluginError(Problem("FX204", str(e), e.plugin.__name__ if hasattr(e.plugin, "__name__") else "")) from e
        self._check_settings()
        self.fact_types: dict[str, FactType] = {}
        self._collect_fact_types()
        self.rulebook = self._load_rules(_paths(rules_dirs, "rules_dirs"))
        try:
            self.matcher = matching.create(self.rulebook.rules, matcher)
        except ValueError as e:
            raise SettingsError(Problem("FX206", str(e))) from e
        self._extractors: list[tuple[PluginInfo, Any, dict[str, Any]]] = []
        for info in self.plugins.values():
            impl = self._impl(info.name, "factx_extract")
            if impl is not None and info.fact_type is not None:
                ruleset = self.rulebook.for_type(info.fact_type.name, self.matcher)
                info.rule_count = len(ruleset)
                args = {"rules": ruleset, "config": self._configure(info)}
                self._extractors.append((info, impl, args))

    # -- building -------------------------------------------------------------

    def _register(self, obj: Any, name: str, source: str, origin: str) -> None:
        if name in self.plugins:
            raise PluginError(Problem("FX201", f'plugin name "{name}" from {origin} is already taken by {self.plugins[name].origin}'))
        try:
            self.pm.register(obj, name=name)
        except (ValueError, pluggy.PluginValidationError) as e:
            raise PluginError(Problem("FX204", f'plugin "{name}" from {origin}: {e}')) from e
        hooks = [caller.name for caller in self.pm.get_hookcallers(obj) or []]
        self.plugins[name] = PluginInfo(name, source, origin, obj, hooks=sorted(hooks))

    def _register_all(self, extra: list[Any], builtins: bool, entrypoints: bool, dirs: list[Path]) -> None:
        disabled = disabled_plugins()
        local = [path for directory in dirs for path in plugins_dir_files(directory) if path.stem not in disabled]
        # A plugin in a plugins dir is a development copy: it replaces the installed one of its name.
        replacing = {path.stem: path for path in local}
        modules_seen = set()

        def replaced(name: str, source: str, origin: str) -> bool:
            if name not in replacing:
                return False
            self.notices.append(f'plugin "{name}" from {replacing[name]} replaces the {source} one ({origin})')
            log.info("%s", self.notices[-1])
            return True

        if builtins:
            for name, module in builtin_plugins():
                if name not in disabled and not replaced(name, "built-in", module):
                    self._register(import_plugin(module, name, "factx"), name, "built-in", module)
                modules_seen.add(module)
        if entrypoints:
            for name, module, dist in entry_point_plugins():
                if module in modules_seen or name in disabled:
                    continue  # built-ins are listed as entry points too
                modules_seen.add(module)
                if not replaced(name, "installed", dist):
                    self._register(import_plugin(module, name, dist), name, "entry point", dist)
        for path in local:
            self._register(module_from_path(path), path.stem, "plugins dir", str(path))
        for obj in extra:
            name = getattr(obj, "name", None) or getattr(obj, "__name__", None) or type(obj).__name__
            self._register(obj, str(name).rsplit(".", 1)[-1], "api", getattr(obj, "__name__", type(obj).__name__))

    def _impl(self, plugin: str, hook: str):
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            if impl.plugin_name == plugin:
                return impl
        return None

    def _call_registering(self, info: PluginInfo, hook: str, register) -> None:
        impl = self._impl(info.name, hook)
        if impl is None:
            return
        try:
            impl.function(register)
        except PluginError:
            raise
        except Exception as e:
            raise PluginError(Problem("FX202", f'plugin "{info.name}" ({info.origin}) failed in {hook}: '
                                               f'{raised_at(e, info.obj)}')) from e

    def _check_settings(self) -> None:
        """Every setting given must be one a loaded plugin declares: a misspelt key is an error, not ignored."""
        known: dict[str, str] = {}
        for info in self.plugins.values():
            self._call_registering(info, "factx_register_settings",
                                   lambda name, description="", info=info: known.setdefault(name, info.name))
        unknown = sorted(set(self.settings) - set(known))
        if unknown:
            problems = []
            for key in unknown:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.append(Problem("FX206", f"unknown setting {key!r}: no loaded plugin reads it{hint} "
                                                 f"(known: {', '.join(sorted(known)) or 'none'})"))
            raise SettingsError(problems)

    def _configure(self, info: PluginInfo) -> Any:
        impl = self._impl(info.name, "factx_configure")
        if impl is None:
            return None
        try:
            return impl.function(self.settings)
        except ValueError as e:
            raise SettingsError(Problem("FX206", f'plugin "{info.name}": {e}')) from e
        except Exception as e:
            raise PluginError(Problem("FX202", f'plugin "{info.name}" ({info.origin}) failed in factx_configure: '
                                               f'{raised_at(e, info.obj)}')) from e

    def _collect_fact_types(self) -> None:
        for info in self.plugins.values():
            declared: list[FactType] = []

            def register(fact_type: FactType, declared=declared, info=info) -> None:
                if not isinstance(fact_type, FactType):
                    raise PluginError(Problem("FX203", f'plugin "{info.name}" registered {fact_type!r}, not a FactType'))
                declared.append(fact_type)

            self._call_registering(info, "factx_register_fact_types", register)
            extracts = self._impl(info.name, "factx_extract") is not None
            if len(declared) > 1 or (extracts and not declared):
                raise PluginError(Problem(
                    "FX203", f'plugin "{info.name}" ({info.origin}) must register exactly one fact type, got {len(declared)}'))
            for fact_type in declared:
                owner = self.fact_types.get(fact_type.name)
                if owner is not None:
                    raise PluginError(Problem("FX205", f'fact type "{fact_type.name}" is registered by two plugins'))
                self.fact_types[fact_type.name] = fact_type
                info.fact_type = fact_type

    def _load_rules(self, user_dirs: list[Path]) -> RuleBook:
        sources = [RuleSource(files("factx") / "rules" / "common.toml", "rules/common.toml", 0)]
        for layer, info in enumerate(self.plugins.values(), 1):
            self._call_registering(info, "factx_register_rule_paths", info.rule_paths.append)
            sources += [RuleSource(p, _display(p), layer) for p in info.rule_paths]
        top = len(self.plugins) + 1
        sources += [RuleSource(d, str(d), top + i, overrides=True) for i, d in enumerate(user_dirs)]
        book = load_rulebook(sources)
        orphans = [
            Problem("FX107", f'no loaded plugin extracts "{rule.fact_type}"', f"{rule.file}:{rule.line}", rule.id)
            for rule in book.rules
            if rule.fact_type not in self.fact_types
        ]
        if orphans:
            raise RuleError(orphans)
        return book

    def ruleset(self, fact_type: str) -> RuleSet:
        """The rules of one fact type, as its plugin gets them (matched by this engine's matcher)."""
        return self.rulebook.for_type(fact_type, self.matcher)

    # -- extracting -----------------------------------------------------------

    def reference_date(self, document: Document, reference: ReferenceLike = "auto") -> date | None:
        """The date relative expressions in `document` resolve against.

        A given date wins; else the document's own metadata; else, unless
        `reference` is "none" (or None), the `factx_reference_date` hook (a
        dateline); else, for "auto", the date of the file it came from.
        `reference` is anything `factx.documents.parse_reference` takes.
        """
        reference = parse_reference(reference)
        if isinstance(reference, date):
            return reference
        if document.reference_date is not None or reference == "none":
            return document.reference_date
        try:
            found = self.pm.hook.factx_reference_date(document=document)
        except Exception as e:
            log.warning("factx_reference_date failed on %s: %s", document.id, e)
            found = None
        if found is None and document.path:
            try:
                found = date.fromtimestamp(Path(document.path).stat().st_mtime)
            except OSError:
                pass
        return found

    def wanted_types(self, types: Types) -> frozenset[str] | None:
        """The fact types asked for: None for all; one name, or names; ValueError for one no plugin extracts."""
        if types is None:
            return None
        names = (types,) if isinstance(types, str) else tuple(types)
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"a fact type is a str, not {type(name).__name__}: {name!r}")
        unknown = sorted(set(names) - set(self.fact_types))
        if unknown:
            raise ValueError(f"unknown fact type {', '.join(map(repr, unknown))} "
                             f"(known: {', '.join(sorted(self.fact_types))})")
        return frozenset(names)

    def process(self, document: DocumentLike, *, types: Types = None,
                reference_date: ReferenceLike = "auto") -> Result:
        """Extract from one document, returning facts, problems and every overlap decision.

        :param document: a `Document`, a str, or a mapping with `text` and optional `id` and
            `reference_date` (see `factx.documents.as_document`); anything else raises.
        :param types: a fact type or fact types to extract (default all); an unknown one is a ValueError.
        :param reference_date: a `date` (a `datetime` for its date), "YYYY-MM-DD", "today",
            "auto" (the document's own), "none" or None (none); anything else is a ValueError.

        A document longer than the engine's `piece_chars` is read in pieces and its facts joined;
        its Result then holds no decisions (`explain` is for texts shorter than that).
        """
        parts = list(self.process_in_pieces(document, types=types, reference_date=reference_date))
        if len(parts) == 1:
            return parts[0]
        whole = Result(parts[0].doc_id)
        for part in parts:
            whole.facts.extend(part.facts)
            whole.problems.extend(part.problems)
        return whole

    def process_in_pieces(self, document: DocumentLike, *, types: Types = None,
                          reference_date: ReferenceLike = "auto") -> Iterator[Result]:
        """Extract from one document piece by piece: a Result per piece, in order, as each is read.

        A document longer than `piece_chars` is cut at paragraph breaks where it can (see
        `factx.pieces`); each piece is read with a margin either side and keeps the facts that
        start in it, with offsets into the whole document, so that only one piece's work is held
        at a time. The facts are those of the document read whole, in the same order, but for what
        a plugin reads from beyond a piece's margin (the currency a dateline gives a bare "dlrs");
        the reference date is the whole document's. A shorter document is one piece, with every
        decision. Arguments are as for `process`, and bad ones raise here, not on iteration.
        """
        wanted = self.wanted_types(types)
        doc = as_document(document)
        if (problem := _not_unicode(doc)) is not None:
            return iter([Result(doc.id, problems=[problem])])
        ref = self.reference_date(doc, reference_date)
        if ref != doc.reference_date:
            doc = Document(doc.id, doc.text, ref, doc.path)
        found = pieces(doc.text, self.piece_chars, PIECE_MARGIN)
        return (self._process_piece(doc, wanted, piece, i, len(found)) for i, piece in enumerate(found))

    def _process_piece(self, doc: Document, wanted: frozenset[str] | None, piece: Piece, index: int,
                       count: int) -> Result:
        whole = count == 1
        view = doc if whole else Document(doc.id, doc.text[piece.read_start:piece.read_end], doc.reference_date,
                                          doc.path)
        result = Result(doc.id, piece=index, pieces=count)
        pool: list[tuple[str, Candidate]] = []
        failures: list[Exception] = []
        with budget.limited_time(self.doc_timeout, self._switched_off) as spent:
            for info, impl, args in self._extractors:
                if wanted is not None and info.fact_type.name not in wanted:
                    continue
                try:
                    found = impl.function(*[view if a == "document" else args[a] for a in impl.argnames])
                    pool.extend((info.name, c) for c in (found or ()))
                except Exception as e:
                    failures.append(e)
                    result.problems.append(Problem(
                        "FX301", f'plugin "{info.name}" raised {raised_at(e, info.obj, debugging())}', doc.id))
        self._report_cut_off(doc, spent, result)
        decisions = resolve(pool)
        own = None if whole else (piece.start - piece.read_start, piece.end - piece.read_start)
        for decision in decisions:
            if decision.won:
                self._emit(view, decision, result, piece.read_start, own)
        result.facts.sort(key=lambda f: (f.start, f.end, f.type))
        if whole:
            result.decisions = decisions
        if self.strict and result.problems:
            raise PluginError(result.problems) from (failures[0] if failures else None)
        return result

    def _report_cut_off(self, doc: Document, spent: budget.Budget, result: Result) -> None:
        """A problem for each rule cut off on `doc`; a rule cut off on SWITCH_OFF_AFTER documents
        is cut off from the start on every later one, so that one bad rule cannot stall a run."""
        for rule_id, why in spent.cut.items():
            result.problems.append(Problem("FX304", f"rule cut off, its matches on this document lost: {why}",
                                           doc.id, rule_id))
            if rule_id not in self._switched_off:
                with self._lock:
                    self._strikes[rule_id] = strikes = self._strikes.get(rule_id, 0) + 1
                    if strikes >= SWITCH_OFF_AFTER:
                        self._switched_off[rule_id] = f"it was cut off on {strikes} documents before this one"

    def _emit(self, doc: Document, decision: Decision, result: Result, offset: int = 0,
              own: tuple[int, int] | None = None) -> None:
        """Validate and record a winning candidate's facts; in a piece of a document (`doc` read from
        `offset` on), only those that start in the piece's `own` span, with offsets into the whole."""
        info = self.plugins[decision.plugin]
        fact_type = info.fact_type
        validate = fact_type.record_validator.validate_python
        cand = decision.candidate
        rule = cand.rule
        rule_file = None if isinstance(rule, str) else rule.file
        default_confidence = 1.0 if isinstance(rule, str) else rule.confidence
        named_right = cand.rule_id.startswith(f"{fact_type.name}.")
        for draft in cand.drafts:
            if own is not None and not own[0] <= draft.start < own[1]:
                continue
            problem = None
            if not named_right:
                problem = f'rule id does not start with "{fact_type.name}."'
            elif not 0 <= draft.start < draft.end <= len(doc.text):
                problem = f"span {draft.start}:{draft.end} is outside the document"
            else:
                try:
                    fact = sharing_fields_sets(validate({
                        "doc_id": doc.id, "type": fact_type.name, "start": draft.start + offset,
                        "end": draft.end + offset, "text": doc.text[draft.start:draft.end], "rule": cand.rule_id,
                        "value": draft.value if not offset or draft.value.get("range_id") is None
                        else {**draft.value, "range_id": draft.value["range_id"] + offset},
                        "plugin": info.name, "rule_file": rule_file,
                        "confidence": default_confidence if draft.confidence is None else draft.confidence,
                    }))
                except ValidationError as e:
                    detail = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
                    problem = f'invalid fact from plugin "{info.name}": {detail}'
            if problem is not None:
                result.problems.append(Problem("FX302", problem, f"{doc.id}:{draft.start + offset}", cand.rule_id))
                continue
            result.facts.append(fact)

    def extract(self, text: str, *, doc_id: str = "text", reference_date: ReferenceLike = "auto",
                types: Types = None) -> list[Fact]:
        """The facts in one text. Problems are logged to the `factx` logger (raised if strict).

        `reference_date` and `types` are as for `process`; a `text` that is not a str is a TypeError.
        """
        result = self.process(Document(doc_id, text), types=types, reference_date=reference_date)
        for problem in result.problems:
            log.warning("%s", problem)
        return result.facts

    def extract_many(self, documents: Iterable[DocumentLike], *, workers: int = 1, types: Types = None,
                     reference_date: ReferenceLike = "auto", in_pieces: bool = False) -> Iterator[Result]:
        """Extract from a stream of documents, yielding one Result per document in input order.

        With `in_pieces`, a document longer than `piece_chars` gives a Result per piece instead
        (see `process_in_pieces`), so that a huge document's facts need not be held at once; this
        is how `factx extract` runs. Workers read each document whole.

        With `workers` > 1, documents are spread over that many processes
        (see `factx.parallel`); input is consumed lazily in both cases.
        Bad arguments raise here, before any document is read: `workers` must
        be a whole number of 1 or more, `types` and `reference_date` are as for
        `process`. An item that is no document (neither a str, a `Document` nor
        a mapping with a `text`) gives a Result with its problem (FX405), and
        the others are still extracted.
        """
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a whole number of 1 or more, not {workers!r}")
        if isinstance(documents, str | Document | Mapping):
            raise TypeError("extract_many takes an iterable of documents; for one document use process()")
        wanted = self.wanted_types(types)
        reference = parse_reference(reference_date)
        if workers > 1:
            from factx.parallel import extract_parallel

            packed = extract_parallel(self, documents, workers, sorted(wanted) if wanted else None, reference)
            return self._from_workers(packed)
        return self._one_by_one(documents, wanted, reference, in_pieces)

    def _one_by_one(self, documents: Iterable[DocumentLike], wanted: frozenset[str] | None,
                    reference: Reference, in_pieces: bool) -> Iterator[Result]:
        for i, document in enumerate(documents):
            doc = document_or_problem(document, i)
            if isinstance(doc, Problem):
                yield Result(doc.where, problems=[doc])
            elif in_pieces:
                yield from self.process_in_pieces(doc, types=wanted, reference_date=reference)
            else:
                yield self.process(doc, types=wanted, reference_date=reference)

    def _from_workers(self, packed: Iterator[tuple]) -> Iterator[Result]:
        try:
            for result in packed:
                yield self._unpacked(*result)
        finally:
            packed.close()  # stops the workers now if the caller stopped early

    def _unpacked(self, doc_id: str, facts: list[tuple[str, str]], problems: list[Problem]) -> Result:
        """A result as it came back from a worker: its records as JSON, validated again here."""
        # Records travel as JSON: pydantic writes and validates it in compiled code, cheaper for the
        # parent than validating dicts, and far cheaper than model_construct, which is Python.
        result = Result(doc_id, problems=list(problems))
        for kind, data in facts:
            try:
                result.facts.append(sharing_fields_sets(self.fact_types[kind].record_validator.validate_json(data)))
            except ValidationError as e:
                result.problems.append(Problem("FX303", f"fact did not survive the trip between processes: {e}", doc_id))
        return result

    def explain(self, text: str, *, reference_date: ReferenceLike = "auto", types: Types = None) -> Result:
        """Extract from `text` keeping every candidate's decision: what won, what lost and to what.

        Arguments are as for `extract`.
        """
        return self.process(Document("text", text), types=types, reference_date=reference_date)

    def schema(self, fact_type: str | None = None) -> dict[str, Any]:
        """The JSON Schema of the records of one fact type, or of any record (a oneOf).

        An unknown fact type is a ValueError naming the known ones.
        """
        if fact_type is not None:
            (name,) = self.wanted_types(fact_type)
            return self.fact_types[name].record_model.model_json_schema()
        from pydantic.json_schema import models_json_schema

        models = [(ft.record_model, "validation") for ft in self.fact_types.values()]
        _, schema = models_json_schema(models, title="factx fact record")
        schema["oneOf"] = [{"$ref": f"#/$defs/{ft.record_model.__name__}"} for ft in self.fact_types.values()]
        return schema


def _not_unicode(doc: Document) -> Problem | None:
    """A problem if the document's id or text holds a lone surrogate, which no output can write."""
    for name, value in (("id", doc.id), ("text", doc.text)):
        if isinstance(value, str) and (at := lone_surrogate(value)) is not None:
            where = doc.id.encode("utf-8", "backslashreplace").decode("utf-8")
            return Problem("FX404", f"{name} is not Unicode text: a lone surrogate U+{ord(value[at]):04X} at offset {at}", where)
    return None


def _plugin_list(plugins: Any) -> list[Any]:
    """Plugins given as one object or module, or as an iterable of them (never a str)."""
    if isinstance(plugins, str | Path):
        raise TypeError(f"plugins takes plugin objects or modules, not a {type(plugins).__name__} ({plugins!r}): "
                        "import the module, or give a folder of plugin files as plugins_dirs")
    if isinstance(plugins, list | tuple | set | frozenset):
        return list(plugins)
    return [plugins]


def _paths(given: Iterable[str | Path] | str | Path, name: str) -> list[Path]:
    """Paths given as one path or an iterable of them: a str is one path, never its letters."""
    if isinstance(given, str | Path):
        return [Path(given)]
    paths = list(given)
    for path in paths:
        if not isinstance(path, str | Path):
            raise TypeError(f"{name} holds paths, not {type(path).__name__}: {path!r}")
    return [Path(p) for p in paths]


def _display(path: Any) -> str:
    """A short name for a rule path: package files relative to the package."""
    text = str(path)
    marker = "/factx/rules/"
    return "rules/" + text.split(marker, 1)[1] if marker in text else text
