"""Bad requests to a real `factx serve`: each gets a 4xx JSON error with its FX code, and the server goes on."""
from __future__ import annotations

import json
import threading

import httpx
import pytest

from tests.serve.conftest import REPORT

GOOD = {"text": "Exports rose 5 percent to $350 billion.", "id": "good"}


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    # Whatever the test sent, the server is still up and still extracts.
    assert server.alive()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        after = client.post("/extract", json=GOOD)
    assert after.status_code == 200
    assert [f["text"] for f in after.json()["facts"]] == ["5 percent", "$350 billion"]


def refused(response: httpx.Response, status: int) -> list[tuple[str, str]]:
    """The (code, where) of each error of a refusal with this status, checking it is JSON with no traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert "Traceback" not in response.text
    return [(e["code"], e["where"]) for e in response.json()["errors"]]


@pytest.mark.parametrize("body", [b"text=hello", b"{\"text\": \"unclosed", b"", b"\xff\xfe{}"],
                         ids=["form", "broken", "empty", "not-utf8"])
def test_a_body_that_is_not_json(http, body):
    response = http.post("/extract", content=body, headers={"content-type": "application/json"})

    assert refused(response, 400) == [("FX501", "")]


@pytest.mark.parametrize("body, where", [
    ({"text": 42}, ["text"]),
    ({"text": "a", "types": "money"}, ["types"]),
    ({"text": "a", "reference_date": 20251211}, ["reference_date"]),
    ({"text": "a", "id": ["x"]}, ["id"]),
    ([{"text": "fine"}, {"text": None, "extra": 1}], ["[1].text", "[1].extra"]),
    ("just a string", ["(body)"]),
    ({}, ["text"]),
], ids=["text-number", "types-string", "date-number", "id-list", "list-item", "string", "no-text"])
def test_fields_of_the_wrong_type(http, body, where):
    response = http.post("/extract", json=body)

    assert refused(response, 422) == [("FX502", w) for w in where]


def test_explain_checks_its_fields_too(http):
    assert refused(http.post("/explain", json={"text": "a", "id": "x"}), 422) == [("FX502", "id")]


def test_an_oversized_body(http):
    # Twelve documents of a million bytes each: each within the length a document may have, too many together.
    body = json.dumps([{"text": "x" * 1_000_000}] * 12).encode()

    response = http.post("/extract", content=body, headers={"content-type": "application/json"})

    assert refused(response, 413) == [("FX504", "")]


def test_a_10_mb_text(http):
    text = REPORT.read_text()
    text = text * (10_000_000 // len(text) + 1)

    response = http.post("/extract", json={"text": text})

    assert refused(response, 413) == [("FX505", "text")]
    assert "200000" in response.json()["errors"][0]["message"]  # the server's --max-chars


@pytest.mark.parametrize("value", ["2025-13-45", "yesterday", "11/12/2025", "", "{value}"])
def test_an_invalid_reference_date(http, value):
    response = http.post("/extract", json={"text": "rates rose on Friday", "reference_date": value})

    assert refused(response, 422) == [("FX502", "reference_date")]
    assert repr(value) in response.json()["errors"][0]["message"]


def test_an_unknown_type(http):
    response = http.post("/extract", json=[{"text": "a", "types": ["money"]}, {"text": "b", "types": ["money", "weather"]}])

    assert refused(response, 422) == [("FX503", "[1].types")]
    message = response.json()["errors"][0]["message"]
    assert "weather" in message and "money" in message  # what was asked, and what there is


def test_requests_are_served_side_by_side(server):
    """A long extraction does not hold up the others: /health answers while it runs."""
    text = REPORT.read_text()
    slow = {"text": text * (190_000 // len(text))}  # about a second of extraction, within --max-chars
    order: list[str] = []

    def long_request():
        with httpx.Client(base_url=server.url, timeout=60) as client:
            assert client.post("/extract", json=slow).status_code == 200
        order.append("extract")

    thread = threading.Thread(target=long_request)
    thread.start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        while thread.is_alive() and not order:
            assert client.get("/health").status_code == 200
            order.append("health")
    thread.join()
    assert order[0] == "health" and order[-1] == "extract"
