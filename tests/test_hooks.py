"""One test per hook (enforced), each with a throwaway plugin."""
from datetime import date
from pathlib import Path

import pytest
from pydantic import Field

from factx import Candidate, Document, Draft, Engine, FactType, PluginError, SettingsError, Value, hookimpl, hookspecs


class ColorValue(Value):
    name: str = Field(description="The colour's name, lower case.")


class ColorPlugin:
    """Finds colour words; its rule file lives in a temporary folder."""

    name = "color"

    def __init__(self, rules_path: Path | None = None):
        self.rules_path = rules_path

    @hookimpl
    def factx_register_fact_types(self, register):
        register(FactType("color", ColorValue, "9.9"))

    @hookimpl
    def factx_register_rule_paths(self, register):
        if self.rules_path:
            register(self.rules_path)

    @hookimpl
    def factx_extract(self, document, rules):
        return rules.candidates(document.text, lambda rule, m: {"name": m.group(0).lower()})


COLOR_RULES = """
[lists.COLOR]
red = "red"
green = "green"

[[rule]]
id = "color.word"
doc = "A colour word."
pattern = '''\\b{COLOR}\\b'''
priority = 1

[[rule.example]]
text = "Red"
value = { name = "red" }

[[rule.counterexample]]
text = "Fred"
why = "inside a word"
"""


def test_every_hook_has_a_test():
    hooks = {name for name in dir(hookspecs) if name.startswith("factx_")}
    tested = {name.removeprefix("test_hook_") for name in globals() if name.startswith("test_hook_")}
    assert hooks - tested == set()


def test_hook_factx_register_fact_types():
    engine = Engine(plugins=[ColorPlugin()], load_entrypoints=False)
    assert engine.fact_types["color"].version == "9.9"
    assert engine.plugins["color"].fact_type.name == "color"
    schema = engine.schema("color")
    assert schema["properties"]["type"]["const"] == "color"


def test_hook_factx_register_fact_types_rejects_two_owners():
    class Again(ColorPlugin):
        name = "color2"

    with pytest.raises(PluginError, match="FX205"):
        Engine(plugins=[ColorPlugin(), Again()], load_entrypoints=False)


def test_hook_factx_register_rule_paths(tmp_path):
    path = tmp_path / "color.toml"
    path.write_text(COLOR_RULES)
    engine = Engine(plugins=[ColorPlugin(path)], load_entrypoints=False)
    assert engine.plugins["color"].rule_count == 1
    facts = engine.extract("Green and red, not Fred.")
    colors = [(f.text, f.value.name, f.rule, f.rule_file) for f in facts if f.type == "color"]
    assert colors == [("Green", "green", "color.word", str(path)), ("red", "red", "color.word", str(path))]


def test_hook_factx_configure():
    class Scaled:
        name = "scaled"

        @hookimpl
        def factx_register_fact_types(self, register):
            register(FactType("scaled", ColorValue, "1"))

        @hookimpl
        def factx_register_settings(self, register):
            register("case", "upper or lower")

        @hookimpl
        def factx_configure(self, settings):
            if settings.get("case") not in (None, "upper", "lower"):
                raise ValueError(f"case must be upper or lower, not {settings['case']!r}")
            return settings.get("case", "lower")

        @hookimpl
        def factx_extract(self, document, config):
            word = getattr(document.text, config)()
            return [Candidate(0, len(word), "scaled.all", (Draft(0, len(word), {"name": word}),))]

    def names(**settings):
        engine = Engine(plugins=[Scaled()], builtins=False, load_entrypoints=False, settings=settings)
        return [f.value.name for f in engine.extract("Blue")]

    assert names() == ["blue"] and names(case="upper") == ["BLUE"]
    with pytest.raises(SettingsError, match=r'FX206.*"scaled": case must be'):
        names(case="title")


def test_hook_factx_register_settings():
    """A declared setting reaches the plugin; a key no plugin declares is an error naming the closest one."""
    class Declares:
        name = "declares"

        @hookimpl
        def factx_register_settings(self, register):
            register("shade", "how dark")

        @hookimpl
        def factx_configure(self, settings):
            return settings.get("shade")

    engine = Engine(plugins=[Declares()], builtins=False, load_entrypoints=False, settings={"shade": "dark"})
    assert engine.settings["shade"] == "dark"
    with pytest.raises(SettingsError, match=r"FX206.*unknown setting 'shad'.*did you mean 'shade'") as info:
        Engine(plugins=[Declares()], builtins=False, load_entrypoints=False, settings={"shad": "dark"})
    assert isinstance(info.value, ValueError)
    with pytest.raises(SettingsError, match="unknown setting 'shade'"):  # no loaded plugin declares it
        Engine(builtins=False, load_entrypoints=False, settings={"shade": "dark"})


def test_hook_factx_extract():
    class Spans:
        name = "spans"

        @hookimpl
        def factx_register_fact_types(self, register):
            register(FactType("spans", ColorValue, "1"))

        @hookimpl
        def factx_extract(self, document):  # a hookimpl may take a subset of the arguments
            i = document.text.find("blue")
            return [Candidate(i, i + 4, "spans.blue", priority=0, drafts=())] if i >= 0 else None

    engine = Engine(plugins=[Spans()], load_entrypoints=False, builtins=False)
    result = engine.process(Document("d", "blue sky"))
    assert [d.candidate.rule_id for d in result.decisions] == ["spans.blue"]
    assert result.facts == []  # a candidate without drafts is a blocker


def test_hook_factx_reference_date():
    class Stamp:
        name = "stamp"

        @hookimpl
        def factx_reference_date(self, document):
            return date(2001, 2, 3) if document.text.startswith("STAMP") else None

    engine = Engine(plugins=[Stamp()], load_entrypoints=False)
    assert engine.reference_date(Document("a", "STAMP Published: 11 Dec. 2025")) == date(2001, 2, 3)
    # The core's dateline reading answers when no plugin does.
    assert engine.reference_date(Document("b", "Published: 11 Dec. 2025\nText")) == date(2025, 12, 11)
    assert engine.reference_date(Document("c", "No date here.")) is None
    assert engine.reference_date(Document("d", "Published: 11 Dec. 2025"), "none") is None
