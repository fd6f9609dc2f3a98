"""Plain data about an engine's plugins and about an explanation, shared by the CLI and the server."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_core import to_jsonable_python

if TYPE_CHECKING:
    from factx.engine import Engine, Result


def plugin_rows(engine: Engine) -> list[dict[str, Any]]:
    """One row per loaded plugin: name, fact type, version, source, origin, hooks, rule count."""
    return [
        {"name": p.name, "fact_type": p.fact_type.name if p.fact_type else None, "version": p.version,
         "source": p.source, "origin": p.origin, "hooks": p.hooks, "rules": p.rule_count}
        for p in engine.plugins.values()
    ]


def candidate_rows(engine: Engine, text: str, result: Result) -> list[dict[str, Any]]:
    """One row per candidate of an explanation, in document order: its rule, whether it won, and what beat it.

    Each candidate's facts have their values as the records would have them, as JSON.
    """
    rows = []
    for d in result.decisions:
        c, rival = d.candidate, d.beaten_by
        if rival is None:
            status = "won" if c.drafts else "won (blocker: emits nothing)"
            beaten_by = None
        else:
            status = f"lost to {rival.rule_id} at {rival.start}-{rival.end}"
            beaten_by = {"rule": rival.rule_id, "start": rival.start, "end": rival.end,
                         "text": text[rival.start:rival.end]}
        rows.append({"start": c.start, "end": c.end, "text": text[c.start:c.end], "plugin": d.plugin,
                     "rule": c.rule_id, "priority": c.rank_priority, "status": status, "won": rival is None,
                     "beaten_by": beaten_by,
                     "facts": [{"text": text[x.start:x.end], "value": _json_value(engine, d.plugin, x.value)}
                               for x in c.drafts]})
    return rows


def _json_value(engine: Engine, plugin: str, value: dict[str, Any]) -> Any:
    """A draft's value through its fact type's model, as JSON; as it is, made JSON, where the model rejects it."""
    fact_type = engine.plugins[plugin].fact_type
    try:
        return fact_type.value_model.model_validate(value).model_dump(mode="json")
    except ValidationError:
        return to_jsonable_python(value)
