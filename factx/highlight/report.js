// The HTML report: a summary of the facts per type and document, then each document highlighted.
"use strict";
(() => {
  const { el, render, legend, summary } = factxView;
  const data = JSON.parse(document.getElementById("factx-data").textContent);
  const documents = data.documents;
  const facts = documents.flatMap((doc) => doc.facts);
  const types = [...new Set([...data.types, ...facts.map((f) => f.type)])].sort();
  const anchor = (i) => `doc-${i + 1}`;
  const main = document.getElementById("fx-report");
  const openAll = documents.length <= data.open_up_to;

  document.getElementById("fx-report-meta").textContent =
    `${facts.length} facts in ${documents.length} documents, highlighted in their text.`;
  main.append(legend(types, facts), el("h2", {}, "Facts per type and document"),
    el("div", { class: "fx-scroll" }, summary(documents, types, anchor)), el("h2", {}, "Documents"));

  documents.forEach((doc, i) => {
    const section = el("details", { class: "fx-doc", id: anchor(i), "data-doc": doc.id, open: openAll },
      el("summary", {}, doc.id, " ", el("span", { class: "fx-count" }, `(${doc.facts.length} facts)`)));
    let drawn = false;
    const draw = () => {
      if (drawn || !section.open) return;
      drawn = true;
      const view = render(doc.text, doc.facts);
      section.append(el("div", { class: "fx-panes" }, view.text, el("div", { class: "fx-scroll" }, view.table)));
      if (doc.problems.length) section.append(el("ul", { class: "fx-problems" }, doc.problems.map((p) => el("li", {}, p))));
    };
    section.addEventListener("toggle", draw);
    main.append(section);
    draw();
  });
  // A link from the summary opens the document it names.
  window.addEventListener("hashchange", () => {
    const target = document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  });
})();
