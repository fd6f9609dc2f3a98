"""The page of `factx serve` and the HTML report, in headless Chromium: every fact highlighted with its value."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT
from tests.serve.conftest import REPORT, REPORT_DATE, extracted

MARKS = """
return [...document.querySelectorAll(arguments[0] + " mark.fx")].map((m) => ({
  start: Number(m.dataset.start), end: Number(m.dataset.end), type: m.dataset.type, rule: m.dataset.rule,
  value: JSON.parse(m.dataset.value), text: m.textContent}));
"""
INJECTION = ('<img src=x onerror="window.pwned=1"><b id="injected">bold</b></textarea>'
             '<script>window.pwned=2</script>')


def marked(browser, scope: str) -> list[dict]:
    """What the page highlighted under `scope`: each mark's span, type, rule, value and text."""
    return browser.execute_script(MARKS, scope)


def as_marks(records: list[dict]) -> list[dict]:
    return [{k: r[k] for k in ("start", "end", "type", "rule", "value", "text")} for r in records]


def shown(value) -> str | None:
    """A value as the page writes it (JavaScript's String()); None for a null, which it leaves out, or a structure."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def wait(browser, condition, seconds: float = 30):
    return WebDriverWait(browser, seconds).until(lambda b: condition(b))


def open_page(browser, server) -> None:
    browser.get(f"{server.url}/")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#fx-types input"))


def paste(browser, text: str, reference_date: str = "") -> None:
    browser.execute_script("""
        const input = document.getElementById("fx-input");
        input.value = arguments[0];
        input.dispatchEvent(new Event("input", {bubbles: true}));
        document.getElementById("fx-date").value = arguments[1];""", text, reference_date)


def submit(browser, click=lambda b: b.find_element(By.ID, "fx-submit").click()) -> str:
    """Submit (by `click`) and wait for the answer; the status line then."""
    browser.execute_script('document.getElementById("fx-status").textContent = ""')
    click(browser)
    return wait(browser, lambda b: (t := b.find_element(By.ID, "fx-status").text) and not t.startswith("Finding") and t)


def test_the_page_highlights_every_fact_factx_extract_gives_with_its_value(server, browser, tmp_path):
    expected = extracted("examples/report.txt")
    open_page(browser, server)

    paste(browser, REPORT.read_text(), REPORT_DATE)
    status = submit(browser)

    assert status.startswith(f"{len(expected)} facts")
    assert marked(browser, "#fx-text-pane") == as_marks(expected)
    # Each fact's pop-up, as a pointer entering it opens it: its value's fields and its rule.
    popups = browser.execute_script("""
        return [...document.querySelectorAll("#fx-text-pane mark.fx")].map((m) => {
          m.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
          const text = document.getElementById("fx-pop").innerText;
          m.dispatchEvent(new MouseEvent("mouseout", {bubbles: true}));
          return text;
        });""")
    for record, popup in zip(expected, popups, strict=True):
        assert record["rule"] in popup
        for key, value in record["value"].items():
            if shown(value) is not None:
                assert f"{key}\n{shown(value)}" in popup, (record, popup)
    # The real pointer, on the first fact of each type: hovering shows the pop-up, a click pins it.
    marks = browser.find_elements(By.CSS_SELECTOR, "#fx-text-pane mark.fx")
    heading = browser.find_element(By.TAG_NAME, "h1")
    firsts = {r["type"]: (mark, r) for mark, r in reversed(list(zip(marks, expected)))}
    for mark, record in firsts.values():
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
        ActionChains(browser).move_to_element(mark).perform()
        popup = wait(browser, lambda b: (pop := b.find_element(By.ID, "fx-pop")).is_displayed() and pop)
        assert record["rule"] in popup.text
        mark.click()
        ActionChains(browser).move_to_element(heading).perform()
        assert popup.is_displayed() and "fx-on" in mark.get_attribute("class")
        row = browser.find_element(By.CSS_SELECTOR, f'#fx-table-pane tr.fx-on[data-start="{record["start"]}"]')
        assert " ".join(record["text"].split()) in row.text
        mark.click()  # unpins
        assert not popup.is_displayed()
    screenshot = tmp_path / "page.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_explain_shows_each_losing_candidate_and_what_beat_it(server, browser, engine, tmp_path):
    text = REPORT.read_text()
    decisions = engine.explain(text, reference_date=date.fromisoformat(REPORT_DATE)).decisions
    lost = {(d.candidate.rule_id, d.candidate.start, d.candidate.end, d.beaten_by.rule_id) for d in decisions if not d.won}
    open_page(browser, server)
    paste(browser, text, REPORT_DATE)
    submit(browser)
    assert not browser.find_element(By.ID, "fx-losers").is_displayed()

    status = submit(browser, lambda b: b.find_element(By.ID, "fx-explain").click())  # turning it on asks again

    assert f"{len(lost)} candidates lost" in status
    assert browser.find_element(By.ID, "fx-losers").is_displayed()
    rows = browser.find_elements(By.CSS_SELECTOR, "#fx-losers tr.fx-lost")
    shown_lost = {(r.get_attribute("data-rule"), int(r.get_attribute("data-start")), int(r.get_attribute("data-end")),
                   r.get_attribute("data-beaten-by")) for r in rows}
    assert len(lost) > 5 and shown_lost == lost
    for row in rows:
        assert row.get_attribute("data-beaten-by") in row.text.replace("\n", "")
    assert marked(browser, "#fx-text-pane") == as_marks(extracted("examples/report.txt"))
    browser.find_element(By.ID, "fx-losers").screenshot(str(tmp_path / "losers.png"))


def test_a_text_is_shown_as_text_and_offsets_count_characters_as_python_does(server, browser, engine):
    text = f"🚀📈 {INJECTION}\nExports rose 5 percent to $350 billion."
    open_page(browser, server)
    paste(browser, text)

    submit(browser)

    sent = browser.find_element(By.ID, "fx-input").get_attribute("value")
    assert sent == text
    assert browser.execute_script("return window.pwned") is None
    assert not browser.find_elements(By.ID, "injected")
    pane = browser.find_element(By.CSS_SELECTOR, "#fx-text-pane .fx-text")
    assert pane.get_attribute("textContent") == text
    expected = engine.extract(text, doc_id="text")
    assert marked(browser, "#fx-text-pane") == as_marks([f.model_dump(mode="json") for f in expected])
    assert [m["text"] for m in marked(browser, "#fx-text-pane")] == ["5 percent", "$350 billion"]


def test_a_file_is_read_as_factx_extract_reads_it(server, browser, tmp_path):
    page = tmp_path / "news.html"
    page.write_text("<html><head><title>Rates</title><script>window.pwned = 3</script></head>"
                    "<body><p>The bank cut rates by 25 basis points.</p><p>Exports rose 5 percent.</p></body></html>")
    open_page(browser, server)

    browser.find_element(By.ID, "fx-file").send_keys(str(page))
    wait(browser, lambda b: "basis points" in b.find_element(By.ID, "fx-input").get_attribute("value"))
    submit(browser)

    value = browser.find_element(By.ID, "fx-input").get_attribute("value")
    assert "<p>" not in value and "pwned" not in value and "Rates" in value
    assert [m["text"] for m in marked(browser, "#fx-text-pane")] == ["25 basis points", "5 percent"]
    assert [f["text"] for f in extracted(str(page))] == ["25 basis points", "5 percent"]


def test_a_dropped_file_is_shown_at_once(server, browser):
    open_page(browser, server)

    status = submit(browser, lambda b: b.execute_script("""
        const files = new DataTransfer();
        files.items.add(new File(["Seoul pledged $350 billion."], "pledge.md", {type: "text/markdown"}));
        document.getElementById("fx-form").dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true}));"""))

    assert status.startswith("1 facts")
    assert [m["text"] for m in marked(browser, "#fx-text-pane")] == ["$350 billion"]
    assert "pledge.md" in browser.find_element(By.ID, "fx-file-name").text


def test_a_refused_request_is_shown_with_its_code(server, browser):
    open_page(browser, server)
    paste(browser, "rates rose 5 percent. " * 10_000)  # more than the server's --max-chars

    status = submit(browser)

    assert "FX505" in status and "fx-error" in browser.find_element(By.ID, "fx-status").get_attribute("class")


def test_only_the_checked_types_are_asked_for(server, browser):
    open_page(browser, server)
    paste(browser, "Seoul pledged $350 billion, up 5 percent.")
    browser.find_element(By.CSS_SELECTOR, "#fx-types input[value=money]").click()

    submit(browser)

    assert [m["type"] for m in marked(browser, "#fx-text-pane")] == ["percent"]


# -- the static report ------------------------------------------------------------------


def write_report(tmp_path, *paths: str):
    report = tmp_path / "report.html"
    subprocess.run([sys.executable, "-m", "factx", "extract", *paths, "--format", "html", "-o", str(report),
                    "--reference-date", REPORT_DATE], check=True, cwd=ROOT, capture_output=True)
    return report


def test_the_html_report_highlights_every_fact_of_every_document(browser, tmp_path):
    evil = tmp_path / "evil.txt"
    evil.write_text(f"{INJECTION}\nThe bank cut rates by 25 basis points on Friday.")
    paths = ["examples/report.txt", "examples/one_line.txt", str(evil)]
    expected = extracted(*paths)
    report = write_report(tmp_path, *paths)

    browser.get(report.as_uri())
    sections = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "details.fx-doc"))

    assert [s.get_attribute("data-doc") for s in sections] == paths
    for i, path in enumerate(paths, 1):
        assert marked(browser, f"#doc-{i}") == as_marks([r for r in expected if r["doc_id"] == path])
    types = sorted({r["type"] for r in expected})
    for path in paths:
        row = browser.find_element(By.CSS_SELECTOR, f'.fx-summary tr[data-doc="{path}"]')
        for t in types:
            cell = row.find_element(By.CSS_SELECTOR, f'td[data-type="{t}"]')
            assert int(cell.text) == sum(r["doc_id"] == path and r["type"] == t for r in expected)
    for t in types:
        total = browser.find_element(By.CSS_SELECTOR, f'.fx-summary tfoot td[data-type="{t}"]')
        assert int(total.text) == sum(r["type"] == t for r in expected)
    assert browser.execute_script("return window.pwned") is None and not browser.find_elements(By.ID, "injected")
    first = browser.find_element(By.CSS_SELECTOR, "#doc-1 mark.fx")
    first.click()
    assert wait(browser, lambda b: expected[0]["rule"] in b.find_element(By.ID, "fx-pop").text)
    assert browser.save_screenshot(str(tmp_path / "report.png"))


def test_a_long_report_opens_folded_and_draws_a_document_when_asked(browser, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Exports rose {i} percent."}) + "\n" for i in range(25)))
    report = write_report(tmp_path, str(docs))

    browser.get(report.as_uri())
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".fx-summary"))

    assert not browser.find_elements(By.CSS_SELECTOR, "mark.fx")
    browser.find_element(By.LINK_TEXT, "d24").click()
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#doc-25 mark.fx"))
    assert [m["text"] for m in marked(browser, "#doc-25")] == ["24 percent"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "mark.fx")) == 1


@pytest.fixture(autouse=True)
def _no_script_errors(browser):
    """No test may leave a script error in the browser's console (a refused request is the network's, not one)."""
    browser.get_log("browser")
    yield
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"]
