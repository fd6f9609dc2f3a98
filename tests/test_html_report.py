"""`factx extract --format html`: one self-contained file, its data safe inside the page, documents in order."""
from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from factx.commands import app
from factx.highlight import fill, script_json
from tests.conftest import ROOT

DATA = re.compile(r'<script type="application/json" id="factx-data">(.*?)</script>', re.S)


def report(tmp_path, *args: str) -> str:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["extract", *args, "--format", "html", "-o", str(out), "--reference-date", "2026-03-14"])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_the_report_is_one_file_that_reaches_nothing_outside(tmp_path):
    page = report(tmp_path, str(ROOT / "examples" / "report.txt"))

    references = re.findall(r"""(?:src|href|url)\s*[=(]\s*["']?([^"')\s>]+)""", page)
    assert all(ref.startswith(("data:", "#")) for ref in references), references
    assert "default-src 'none'" in page and "/*@" not in page
    assert page.count("<script") == 3  # the data, the shared view, the report's own script


def test_the_report_holds_each_document_its_text_and_its_records(tmp_path, engine):
    paths = [str(ROOT / "examples" / "report.txt"), str(ROOT / "examples" / "one_line.txt")]

    data = json.loads(DATA.search(report(tmp_path, *paths)).group(1))

    assert [d["id"] for d in data["documents"]] == paths
    for doc, path in zip(data["documents"], paths):
        text = open(path, encoding="utf-8").read()
        assert doc["text"] == text
        expected = engine.extract(text, doc_id=path, reference_date="2026-03-14")
        assert doc["facts"] == [f.model_dump(mode="json") for f in expected]


def test_workers_give_the_same_report(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Exports rose {i} percent on Friday."}) + "\n"
                            for i in range(40)))

    assert report(tmp_path, str(docs)) == report(tmp_path, str(docs), "--workers", "2")


def test_no_text_can_end_the_data_script_or_open_a_comment():
    nasty = "</script><script>alert(1)</script><!-- & \u2028"

    embedded = script_json({"text": nasty})

    assert not re.search("[<>&\u2028]", embedded)
    assert json.loads(embedded) == {"text": nasty}


def test_a_part_is_never_read_as_a_template():
    assert fill("<p>/*@a*/ /*@b*/</p>", {"a": "/*@b*/", "b": "B"}) == "<p>/*@b*/ B</p>"
