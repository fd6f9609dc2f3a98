// The highlighted view: facts marked in their text, a pop-up with each one's value and rule,
// and the tables beside it. Shared by the page of `factx serve` and the HTML report.
// A document's text only ever enters the page as text nodes, never as markup, so no
// document can inject HTML or script.
"use strict";
const factxView = (() => {
  const FIXED = { money: "#9be3b0", percent: "#9fd3fa", date: "#ffd08a", official: "#dcb8f7", quantity: "#8fe3d9" };
  const PALETTE = ["#ffb3b3", "#fff08a", "#b8d0ff", "#c8f29b", "#f7b8e3", "#ffd1a6", "#a6f0f0", "#d9d9d9"];

  /** The colour of a fact type: fixed for the built-in types, from a palette by name for others. */
  function colour(type) {
    if (Object.hasOwn(FIXED, type)) return FIXED[type];
    let hash = 0;
    for (const ch of type) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return PALETTE[hash % PALETTE.length];
  }

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function swatch(type) {
    const node = el("span", { class: "fx-swatch", "aria-hidden": "true" });
    node.style.setProperty("--fx", colour(type));
    return node;
  }

  /** Maps the engine's offsets (Python's, in code points) to JavaScript's (UTF-16 code units). */
  function utf16Offsets(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const at = [];
    let unit = 0;
    for (const ch of text) { at.push(unit); unit += ch.length; }
    at.push(unit);
    return (i) => at[i];
  }

  /** A rule id that may break after its dots and underscores, for narrow tables. */
  function ruleId(id) {
    return el("code", {}, id.split(/(?<=[._])/).flatMap((part, i) => (i ? [el("wbr"), part] : [part])));
  }

  /** Scroll `row` into view within its scrolling table only, never scrolling the page. */
  function reveal(row) {
    const box = row.closest(".fx-scroll");
    if (!box) return;
    const r = row.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (r.top < b.top + r.height || r.bottom > b.bottom) box.scrollTop += r.top - b.top - box.clientHeight / 3;
  }

  function shown(value) {
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function valueEntries(value) {
    return Object.entries(value || {}).filter(([, v]) => v !== null && v !== undefined);
  }

  function valueSummary(value) {
    return valueEntries(value).map(([k, v]) => `${k}: ${shown(v)}`).join(", ");
  }

  // -- the pop-up: shown on hover and focus, pinned by a click or a tap ----------------
  const factOf = new WeakMap();
  const rowOf = new WeakMap();
  const markOf = new WeakMap();
  let pop = null;
  let pinned = null;

  function popup() {
    if (!pop) {
      pop = el("div", { class: "fx-pop", role: "tooltip", id: "fx-pop", hidden: true });
      document.body.append(pop);
    }
    return pop;
  }

  function describe(fact) {
    const entries = valueEntries(fact.value).map(([k, v]) => [el("dt", {}, k), el("dd", {}, shown(v))]);
    return [
      el("div", { class: "fx-pop-head" }, swatch(fact.type), fact.type, ": ", el("q", {}, fact.text)),
      el("dl", {}, entries),
      el("div", { class: "fx-pop-rule" }, "rule ", ruleId(fact.rule)),
      el("div", { class: "fx-pop-foot" }, `characters ${fact.start}–${fact.end} · confidence ${fact.confidence}`),
    ];
  }

  function open(mark) {
    const fact = factOf.get(mark);
    if (!fact) return;
    const p = popup();
    p.replaceChildren(...describe(fact));
    p.hidden = false;
    const box = mark.getBoundingClientRect();
    const width = p.offsetWidth, height = p.offsetHeight;
    const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    let top = box.bottom + 6;
    if (top + height > window.innerHeight && box.top - height - 6 > 0) top = box.top - height - 6;
    p.style.left = `${left + window.scrollX}px`;
    p.style.top = `${top + window.scrollY}px`;
    mark.setAttribute("aria-describedby", "fx-pop");
  }

  function close() {
    if (pop) pop.hidden = true;
  }

  function pin(mark) {
    unpin();
    pinned = mark;
    mark.classList.add("fx-on");
    const row = rowOf.get(mark);
    if (row) {
      row.classList.add("fx-on");
      reveal(row);
    }
    open(mark);
  }

  function unpin() {
    if (pinned) {
      pinned.classList.remove("fx-on");
      rowOf.get(pinned)?.classList.remove("fx-on");
    }
    pinned = null;
    close();
  }

  document.addEventListener("mouseover", (e) => {
    const mark = e.target.closest?.("mark.fx");
    if (mark && !pinned) open(mark);
  });
  document.addEventListener("mouseout", (e) => {
    if (e.target.closest?.("mark.fx") && !pinned) close();
  });
  document.addEventListener("focusin", (e) => {
    const mark = e.target.closest?.("mark.fx");
    if (mark && !pinned) open(mark);
  });
  document.addEventListener("click", (e) => {
    const mark = e.target.closest?.("mark.fx");
    if (mark) {
      if (pinned === mark) unpin(); else pin(mark);
      return;
    }
    const row = e.target.closest?.("tr.fx-row");
    if (row && markOf.has(row)) {
      const target = markOf.get(row);
      target.scrollIntoView({ block: "center" });
      pin(target);
      return;
    }
    if (!e.target.closest?.(".fx-pop")) unpin();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") unpin();
    else if (e.key === "Enter" && e.target.matches?.("mark.fx")) e.target.click();
  });

  // -- the pieces ---------------------------------------------------------------------

  /** The text with each fact marked in its type's colour; facts are the engine's records. */
  function highlight(text, facts) {
    const at = utf16Offsets(text);
    const body = el("div", { class: "fx-text" });
    const marks = [];
    let pos = 0;
    facts.forEach((fact, i) => {
      const start = at(fact.start), end = at(fact.end);
      if (start < pos || end > text.length) return; // the engine's facts never overlap; never garble if given some
      body.append(text.slice(pos, start));
      const mark = el("mark", {
        class: "fx", tabindex: 0, "data-type": fact.type, "data-start": fact.start, "data-end": fact.end,
        "data-rule": fact.rule, "data-value": JSON.stringify(fact.value),
      }, text.slice(start, end));
      mark.style.setProperty("--fx", colour(fact.type));
      factOf.set(mark, fact);
      marks[i] = mark;
      body.append(mark);
      pos = end;
    });
    body.append(text.slice(pos));
    return { node: body, marks };
  }

  function factsTable(facts, marks) {
    if (!facts.length) return el("p", { class: "fx-none" }, "No facts found.");
    const rows = facts.map((fact, i) => {
      const row = el("tr", { class: "fx-row", "data-type": fact.type, "data-start": fact.start },
        el("td", {}, swatch(fact.type), fact.type), el("td", {}, fact.text),
        el("td", {}, valueSummary(fact.value)), el("td", {}, ruleId(fact.rule)));
      if (marks[i]) {
        rowOf.set(marks[i], row);
        markOf.set(row, marks[i]);
      }
      return row;
    });
    return el("table", { class: "fx-table fx-facts" },
      el("thead", {}, el("tr", {}, ["type", "text", "value", "rule"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows));
  }

  /** The highlighted text and the table of its facts, linked: a click on either selects both. */
  function render(text, facts) {
    const sorted = [...facts].sort((a, b) => a.start - b.start || a.end - b.end);
    const { node, marks } = highlight(text, sorted);
    return { text: node, table: factsTable(sorted, marks) };
  }

  /** Each type with its colour and how many facts of it there are. */
  function legend(types, facts) {
    const counts = {};
    for (const fact of facts) counts[fact.type] = (counts[fact.type] || 0) + 1;
    return el("ul", { class: "fx-legend" },
      types.map((t) => el("li", { "data-type": t }, swatch(t), `${t} `, el("span", { class: "fx-count" }, counts[t] || 0))));
  }

  /** The candidates that lost an overlap, each with the rule and span that beat it. */
  function losers(candidates) {
    const lost = candidates.filter((c) => !c.won);
    if (!lost.length) return el("p", { class: "fx-none" }, "No candidate lost.");
    const rows = lost.map((c) => el("tr", {
      class: "fx-lost", "data-rule": c.rule, "data-start": c.start, "data-end": c.end,
      "data-beaten-by": c.beaten_by.rule,
    },
      el("td", {}, swatch(c.rule.split(".")[0]), el("q", {}, c.text), ` ${c.start}–${c.end}`),
      el("td", {}, ruleId(c.rule)), el("td", { class: "fx-num" }, c.priority),
      el("td", {}, ruleId(c.beaten_by.rule), " ", el("q", {}, c.beaten_by.text),
        ` ${c.beaten_by.start}–${c.beaten_by.end}`)));
    return el("table", { class: "fx-table fx-losers" },
      el("thead", {}, el("tr", {}, el("th", {}, "candidate"), el("th", {}, "rule"),
        el("th", { class: "fx-num" }, "priority"), el("th", {}, "lost to"))),
      el("tbody", {}, rows));
  }

  /** Facts per type and per document, with totals; each document's name links to `#<anchor(i)>`. */
  function summary(documents, types, anchor) {
    const count = (doc, t) => doc.facts.filter((f) => f.type === t).length;
    const rows = documents.map((doc, i) => el("tr", { "data-doc": doc.id },
      el("td", {}, el("a", { href: `#${anchor(i)}` }, doc.id)),
      types.map((t) => el("td", { class: "fx-num", "data-type": t }, count(doc, t))),
      el("td", { class: "fx-num" }, doc.facts.length)));
    const totals = types.map((t) => documents.reduce((n, doc) => n + count(doc, t), 0));
    return el("table", { class: "fx-table fx-summary" },
      el("thead", {}, el("tr", {}, el("th", {}, "document"),
        types.map((t) => el("th", { class: "fx-num" }, swatch(t), t)), el("th", { class: "fx-num" }, "all"))),
      el("tbody", {}, rows),
      el("tfoot", {}, el("tr", {}, el("td", {}, `${documents.length} documents`),
        totals.map((n, j) => el("td", { class: "fx-num", "data-type": types[j] }, n)),
        el("td", { class: "fx-num" }, totals.reduce((a, b) => a + b, 0)))));
  }

  return { colour, el, swatch, render, legend, losers, summary };
})();
