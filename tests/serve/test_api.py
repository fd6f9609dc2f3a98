"""The HTTP API, in process: the same records and problems as `factx extract`, the schema, the limits."""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date

import pytest
from factx import Engine
from factx.serve.app import Limits, create_app
from factx.serve.models import answer_models
from factx.summaries import candidate_rows, plugin_rows
from tests.serve.conftest import REPORT, REPORT_DATE, extracted, running
from tests.test_engine import Words

TEXT = "Seoul pledged $350 billion on Friday, and rates rose 25 basis points."


@pytest.fixture(scope="module")
def client(engine):
    with running(create_app(engine)) as client:
        yield client


def errors(response) -> list[tuple[str, str]]:
    return [(e["code"], e["where"]) for e in response.json()["errors"]]


def test_extract_gives_exactly_the_records_factx_extract_writes(client):
    expected = extracted("examples/report.txt")

    response = client.post("/extract", json={"text": REPORT.read_text(), "id": "examples/report.txt",
                                             "reference_date": REPORT_DATE})

    assert response.status_code == 200
    assert response.json() == {"facts": expected, "problems": []}
    assert len(expected) > 30


def test_a_list_gives_each_documents_records_in_order_with_default_ids(client, engine):
    texts = ["Exports rose 5 percent.", "Seoul pledged $350 billion.", "Nothing here."]

    response = client.post("/extract", json=[{"text": texts[0], "id": "first"}, {"text": texts[1]}, {"text": texts[2], "id": 7}])

    facts = response.json()["facts"]
    assert [(f["doc_id"], f["text"]) for f in facts] == [("first", "5 percent"), ("doc-1", "$350 billion")]
    assert facts[1] == engine.extract(texts[1], doc_id="doc-1")[0].model_dump(mode="json")


def test_types_and_reference_date_are_applied(client, engine):
    expected = engine.extract(TEXT, doc_id="doc-0", types=["date", "percent"], reference_date="2025-12-11")

    response = client.post("/extract", json={"text": TEXT, "types": ["date", "percent"], "reference_date": "2025-12-11"})

    facts = response.json()["facts"]
    assert facts == [f.model_dump(mode="json") for f in expected]
    assert [f["type"] for f in facts] == ["date", "percent"] and facts[0]["value"]["reference"] == "2025-12-11"


def test_a_plugins_failure_is_reported_as_factx_extract_reports_it_and_the_other_facts_still_come():
    engine = Engine(plugins=[Words("raising", raises=RuntimeError("no luck"))], load_entrypoints=False)
    expected = engine.process({"id": "d", "text": TEXT})

    with running(create_app(engine)) as client:
        response = client.post("/extract", json={"text": TEXT, "id": "d"})

    assert response.status_code == 200
    body = response.json()
    assert body["problems"] == [asdict(p) for p in expected.problems]
    assert body["problems"][0]["code"] == "FX301" and body["problems"][0]["where"] == "d"
    assert [f["text"] for f in body["facts"]] == [f.text for f in expected.facts] != []


def test_explain_gives_every_candidate_and_what_beat_it(client, engine):
    text = REPORT.read_text()
    expected = engine.explain(text, reference_date=date.fromisoformat(REPORT_DATE))

    response = client.post("/explain", json={"text": text, "reference_date": REPORT_DATE})

    body = response.json()
    assert body["candidates"] == candidate_rows(engine, text, expected)
    assert body["facts"] == [f.model_dump(mode="json") for f in expected.facts]
    lost = [c for c in body["candidates"] if not c["won"]]
    assert lost and all(c["beaten_by"]["rule"] in c["status"] for c in lost)


def test_schema_plugins_and_health(client, engine):
    assert client.get("/schema").json() == engine.schema()
    assert client.get("/schema", params={"type": "money"}).json() == engine.schema("money")
    assert errors(client.get("/schema", params={"type": "weather"})) == [("FX503", "type")]
    assert client.get("/plugins").json() == plugin_rows(engine)
    assert client.get("/health").json()["fact_types"] == sorted(engine.fact_types)


def _local_refs(schema):
    """A schema with OpenAPI's component references written as JSON Schema's local ones."""
    if isinstance(schema, dict):
        return {k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else _local_refs(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_local_refs(v) for v in schema]
    return schema


def test_the_openapi_document_is_made_from_the_record_models(client, engine):
    doc = client.get("/openapi.json").json()

    components = doc["components"]["schemas"]
    for name, fact_type in engine.fact_types.items():
        record = engine.schema(name)
        defs = record.pop("$defs", {})
        assert _local_refs(components[fact_type.record_model.__name__]) == record
        for def_name, definition in defs.items():
            assert _local_refs(components[def_name]) == definition
    facts = components["ExtractResponse"]["properties"]["facts"]["items"]
    assert {m["$ref"].rsplit("/", 1)[-1] for m in facts["oneOf"]} == {t.record_model.__name__ for t in engine.fact_types.values()}
    assert set(components["ExtractRequest"]["properties"]) == {"text", "id", "reference_date", "types"}
    assert set(doc["paths"]) >= {"/extract", "/explain", "/schema", "/plugins", "/health"}


def test_answers_fit_the_documented_models(client, engine):
    extract_answer, explain_answer = answer_models(engine)

    extract_answer.model_validate(client.post("/extract", json={"text": TEXT}).json())
    explain_answer.model_validate(client.post("/explain", json={"text": TEXT}).json())


def test_each_limit_refuses_what_passes_it(engine):
    limits = Limits(max_body=2000, max_chars=100)
    with running(create_app(engine, limits)) as client:
        too_long = client.post("/extract", json=[{"text": "short"}, {"text": "x" * 101}])
        too_large = client.post("/extract", json={"text": "x" * 3000})
        fine = client.post("/extract", json={"text": "x" * 100})

    assert too_long.status_code == 413 and errors(too_long) == [("FX505", "[1].text")]
    assert too_large.status_code == 413 and errors(too_large) == [("FX504", "")]
    assert fine.status_code == 200


def test_a_request_over_its_time_is_answered_and_the_server_goes_on(engine):
    # A few hundred thousand characters take the engine far longer than 10 ms.
    with running(create_app(engine, Limits(timeout=0.01))) as slow:
        response = slow.post("/extract", json={"text": REPORT.read_text() * 100})
        after = slow.get("/health")

    assert response.status_code == 503 and errors(response) == [("FX506", "")]
    assert after.status_code == 200


def test_an_internal_error_is_json_with_no_traceback():
    # A plugin that hands the engine something that is not a candidate.
    app = create_app(Engine(plugins=[Words("broken", candidates=[object()])], load_entrypoints=False))
    with running(app) as client:
        response = client.post("/extract", json={"text": TEXT})

    assert response.status_code == 500
    assert errors(response) == [("FX508", "")]
    assert not re.search("Traceback|AttributeError|File \"", response.text)


def test_unknown_paths_and_methods_are_json_errors(client):
    missing, wrong_method = client.get("/nowhere"), client.get("/extract")

    assert (missing.status_code, errors(missing)) == (404, [("FX507", "")])
    assert (wrong_method.status_code, errors(wrong_method)) == (405, [("FX507", "")])


def test_the_page_is_one_self_contained_file(client):
    response = client.get("/")

    page = response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    references = re.findall(r"""(?:src|href|url)\s*[=(]\s*["']?([^"')\s>]+)""", page)
    assert all(ref.startswith(("data:", "#")) for ref in references), references
    assert "/*@" not in page and "factxView" in page and 'name="viewport"' in page
