"""The OpenAPI document of `factx serve`, made from the request models and the engine's record models."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic.json_schema import models_json_schema

from factx import __version__
from factx.serve.models import ErrorResponse, ExplainRequest, ExtractRequest, Health, PluginOut

if TYPE_CHECKING:
    from pydantic import BaseModel

    from factx.engine import Engine


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, **_json(schema)}


def openapi_document(engine: Engine, extract_answer: type[BaseModel], explain_answer: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI 3.1 document: paths, and every schema generated from the pydantic models."""
    models = [ExtractRequest, ExplainRequest, ErrorResponse, PluginOut, Health, extract_answer, explain_answer]
    refs, top = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return refs[(model, "validation")]

    errors = {
        "4XX": _answer("The request was refused: one error per problem, each with its FX code.", ref(ErrorResponse)),
        "5XX": _answer("The server failed or ran out of time (FX506, FX508).", ref(ErrorResponse)),
    }
    one_or_many = {"oneOf": [ref(ExtractRequest), {"type": "array", "items": ref(ExtractRequest)}]}
    paths = {
        "/extract": {"post": {
            "operationId": "extract", "summary": "Extract the facts from one document or a list of documents.",
            "description": "The facts are the records `factx extract` writes, in the documents' order; a "
                           "document's problems are listed beside them and never stop the other documents.",
            "requestBody": {"required": True, **_json(one_or_many)},
            "responses": {"200": _answer("The facts and the documents' problems.", ref(extract_answer)), **errors},
        }},
        "/explain": {"post": {
            "operationId": "explain", "summary": "Explain a text: every candidate, which won, and what beat the rest.",
            "requestBody": {"required": True, **_json(ref(ExplainRequest))},
            "responses": {"200": _answer("The facts and every candidate.", ref(explain_answer)), **errors},
        }},
        "/schema": {"get": {
            "operationId": "schema", "summary": "The JSON Schema of the fact records, of one type or of all.",
            "parameters": [{"name": "type", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": sorted(engine.fact_types)}}],
            "responses": {"200": _answer("A JSON Schema.", {"type": "object"}), **errors},
        }},
        "/plugins": {"get": {
            "operationId": "plugins", "summary": "The loaded plugins.",
            "responses": {"200": _answer("One entry per plugin.", {"type": "array", "items": ref(PluginOut)})},
        }},
        "/health": {"get": {
            "operationId": "health", "summary": "Whether the server is up.",
            "responses": {"200": _answer("The server is up.", ref(Health))},
        }},
        "/": {"get": {
            "operationId": "page", "summary": "A page to paste or drop a text and see its facts highlighted.",
            "responses": {"200": {"description": "The page.", "content": {"text/html": {}}}},
        }},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "factx", "version": __version__,
                 "description": "Rule-based fact extraction: money, percentages, dates, officials and physical quantities, as validated records."},
        "paths": paths,
        "components": {"schemas": top.get("$defs", {})},
    }
