// The page of `factx serve`: send the text to the API, show what comes back with the shared view.
"use strict";
(() => {
  const { el, swatch, render, legend, losers } = factxView;
  const $ = (id) => document.getElementById(id);
  const form = $("fx-form"), input = $("fx-input"), status = $("fx-status"), button = $("fx-submit");
  let types = [];
  let docName = null;

  async function loadTypes() {
    try {
      const rows = await (await fetch("plugins")).json();
      types = rows.map((r) => r.fact_type).filter(Boolean).sort();
    } catch (err) {
      say(`Could not list the fact types: ${err.message}`, true);
      return;
    }
    $("fx-types").append(...types.map((t) =>
      el("label", {}, el("input", { type: "checkbox", name: "types", value: t, checked: true }), " ", swatch(t), t)));
  }

  function say(message, error = false) {
    status.textContent = message;
    status.classList.toggle("fx-error", error);
  }

  // An HTML file is read as its text, a line break at each block element, as `factx extract` reads one.
  const BLOCKS = new Set(["P", "DIV", "BR", "LI", "TR", "H1", "H2", "H3", "H4", "H5", "H6", "TITLE", "SECTION",
    "ARTICLE", "HEADER", "FOOTER", "BLOCKQUOTE", "PRE", "TABLE", "UL", "OL", "DT", "DD"]);
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);

  function htmlText(markup) {
    // DOMParser makes an inert document: its scripts never run and it loads nothing.
    const parsed = new DOMParser().parseFromString(markup, "text/html");
    const parts = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) parts.push(child.data);
        else if (child.nodeType === Node.ELEMENT_NODE && !SKIP.has(child.tagName)) {
          const block = BLOCKS.has(child.tagName);
          if (block) parts.push("\n");
          walk(child);
          if (block) parts.push("\n");
        }
      }
    };
    walk(parsed.documentElement);
    return parts.join("");
  }

  async function readFile(file) {
    const text = await file.text();
    input.value = /\.html?$/i.test(file.name) ? htmlText(text) : text;
    docName = file.name;
    $("fx-file-name").textContent = `(${file.name})`;
  }

  async function submit() {
    const explain = $("fx-explain").checked;
    const body = { text: input.value, reference_date: $("fx-date").value || "auto" };
    if (types.length) body.types = [...form.querySelectorAll("input[name=types]:checked")].map((i) => i.value);
    if (!explain) body.id = docName || "text";
    button.disabled = true;
    say("Finding the facts…");
    let answer, data;
    try {
      answer = await fetch(explain ? "explain" : "extract", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      data = await answer.json();
    } catch (err) {
      say(`The server did not answer: ${err.message}`, true);
      return;
    } finally {
      button.disabled = false;
    }
    if (!answer.ok) {
      say(data.errors.map((e) => `[${e.code}] ${e.where ? `${e.where}: ` : ""}${e.message}`).join("; "), true);
      return;
    }
    show(body.text, data, explain);
  }

  function show(text, data, explain) {
    const view = render(text, data.facts);
    $("fx-text-pane").replaceChildren(view.text);
    $("fx-table-pane").replaceChildren(view.table);
    $("fx-legend").replaceChildren(legend(types.length ? types : [...new Set(data.facts.map((f) => f.type))], data.facts));
    $("fx-losers").hidden = !explain;
    $("fx-losers-table").replaceChildren(explain ? losers(data.candidates) : "");
    $("fx-problems").replaceChildren(...data.problems.map((p) => el("li", {}, `[${p.code}] ${p.message}`)));
    $("fx-result").hidden = false;
    const lost = explain ? data.candidates.filter((c) => !c.won).length : 0;
    say(`${data.facts.length} facts` + (explain ? `; ${lost} candidates lost` : "") +
      ". Hover over or tap a fact for its value and rule.");
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  $("fx-explain").addEventListener("change", () => { if (!$("fx-result").hidden) submit(); });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit(); });
  input.addEventListener("input", () => { docName = null; $("fx-file-name").textContent = ""; });
  $("fx-file").addEventListener("change", (e) => { if (e.target.files[0]) readFile(e.target.files[0]); });
  for (const name of ["dragenter", "dragover"]) {
    form.addEventListener(name, (e) => { e.preventDefault(); form.classList.add("fx-drop"); });
  }
  form.addEventListener("dragleave", () => form.classList.remove("fx-drop"));
  form.addEventListener("drop", async (e) => {
    e.preventDefault();
    form.classList.remove("fx-drop");
    const file = e.dataTransfer.files[0];
    if (file) {
      await readFile(file);
      form.requestSubmit();
    }
  });
  loadTypes();
})();
