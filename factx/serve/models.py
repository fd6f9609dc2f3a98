"""The requests and answers of `factx serve`, as pydantic models: the OpenAPI document is made from them."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic_core import PydanticCustomError

from factx.documents import parse_reference
from factx.records import Fact

if TYPE_CHECKING:
    from factx.engine import Engine, Reference

REFERENCE_HELP = ("What relative dates resolve against: YYYY-MM-DD, today, none, or auto (the default): "
                  "the date in the text's own dateline, if it has one.")


class _TextRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The document's text.")
    reference_date: str = Field("auto", description=REFERENCE_HELP, examples=["2025-12-11"])
    types: list[str] | None = Field(None, description="Only these fact types; by default every loaded one.",
                                    examples=[["money", "percent"]])

    @field_validator("reference_date")
    @classmethod
    def _known_reference(cls, value: str) -> str:
        try:
            parse_reference(value)
        except ValueError:
            raise PydanticCustomError("reference_date", "{value} is not YYYY-MM-DD, today, none or auto",
                                      {"value": repr(value)}) from None
        return value

    def reference(self) -> Reference:
        return parse_reference(self.reference_date)


class ExtractRequest(_TextRequest):
    """One document to extract the facts from."""

    id: str | None = Field(None, description="The `doc_id` of its records (a number is taken as its digits); by "
                                             "default `doc-<n>`, n its place in the request counting from 0.")

    @field_validator("id", mode="before")
    @classmethod
    def _number_as_id(cls, value: Any) -> Any:
        # As in a JSON Lines input file, where `"id": 7` gives the doc_id "7".
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class ExplainRequest(_TextRequest):
    """A text to explain: every candidate, the rule behind it, which won and what beat the others."""


class ProblemOut(BaseModel):
    """A problem, as `factx extract` reports it: with a document, or with the request."""

    code: str = Field(description="The problem's stable code.", examples=["FX302"])
    message: str
    where: str = Field("", description="The document, or the part of the request, it concerns.")
    rule: str = Field("", description="The rule it concerns, if any.")


class ErrorResponse(BaseModel):
    """A request the server would not or could not answer: one error per problem."""

    errors: list[ProblemOut]


class Rival(BaseModel):
    """The winning candidate that beat another."""

    rule: str
    start: int
    end: int
    text: str


class DraftOut(BaseModel):
    """A fact a candidate would give if it won."""

    text: str
    value: dict[str, Any]


class CandidateOut(BaseModel):
    """One candidate match: its rule, whether it won its span, and what beat it if not."""

    start: int
    end: int
    text: str
    plugin: str
    rule: str
    priority: int
    status: str = Field(description="'won', or 'lost to <rule> at <start>-<end>'.")
    won: bool
    beaten_by: Rival | None
    facts: list[DraftOut]


class PluginOut(BaseModel):
    """A loaded plugin, as `factx plugins --format json` lists it."""

    name: str
    fact_type: str | None
    version: str
    source: str
    origin: str
    hooks: list[str]
    rules: int


class Health(BaseModel):
    """The server is up, with an engine built."""

    status: Literal["ok"]
    version: str
    fact_types: list[str]


def answer_models(engine: Engine) -> tuple[type[BaseModel], type[BaseModel]]:
    """The answers of /extract and /explain, whose facts are the records of the engine's fact types."""
    models = tuple(fact_type.record_model for fact_type in engine.fact_types.values())
    record: Any = Fact
    if len(models) == 1:
        record = models[0]
    elif models:
        record = Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007: a union of a run-time tuple
    facts = (list[record], Field(description="The facts, exactly as `factx extract` writes them."))
    problems = (list[ProblemOut], Field(description="The documents' problems: the rest of their facts are still given."))
    extract = create_model("ExtractResponse", __doc__="The facts of the documents of a request.",
                           facts=facts, problems=problems)
    explain = create_model("ExplainResponse", __doc__="The facts of a text, and every candidate behind them.",
                           facts=facts, candidates=(list[CandidateOut], ...), problems=problems)
    return extract, explain
