/* #/query — the SPARQL editor: a query from the library or typed, highlighted as typed, run against
   /sparql, the results as a sortable table to download as CSV or JSON. */
import { getJSON } from "../api.js";
import { download, el } from "../dom.js";
import { enc } from "../links.js";
import { show } from "../page.js";
import { highlight } from "../sparql-highlight.js";
import { resultTable } from "../sparql-results.js";

export async function queryPage() {
  const library = await getJSON("/queries");
  const area = el("textarea", { id: "sparql", spellcheck: "false", "aria-describedby": "question" });
  const pre = el("pre", { "aria-hidden": "true" });
  const sync = () => { pre.innerHTML = highlight(area.value); pre.scrollTop = area.scrollTop; };
  area.addEventListener("input", sync);
  area.addEventListener("scroll", () => { pre.scrollTop = area.scrollTop; });
  const question = el("p", { id: "question", class: "meta" });
  const pick = el("select", { id: "library" }, library.map((q) => el("option", { value: q.name }, q.title)));
  const load = () => { const q = library.find((x) => x.name === pick.value); area.value = q.query; question.textContent = q.question; sync(); };
  pick.addEventListener("change", load);
  const out = el("div", { id: "query-result", "aria-live": "polite" });
  const get = (format) => fetch(`/sparql?query=${enc(area.value)}${format ? "&format=" + format : ""}`,
    { headers: { accept: "application/sparql-results+json, text/turtle;q=0.9" } });
  const run = async (ev) => {
    ev.preventDefault();
    out.replaceChildren(el("p", { text: "Running…" }));
    const r = await get(null);
    const type = r.headers.get("content-type") || "";
    if (!r.ok) { out.replaceChildren(el("p", { class: "error", role: "alert" }, (await r.json()).detail)); return; }
    if (!type.includes("sparql-results")) { out.replaceChildren(el("pre", {}, await r.text())); return; }
    const data = await r.json();
    out.replaceChildren(el("div", { class: "form-row" },
      el("button", { type: "button", class: "secondary", onclick: async () => download("results.csv", await (await get("csv")).text(), "text/csv") }, "Download CSV"),
      el("button", { type: "button", class: "secondary", onclick: () => download("results.json", JSON.stringify(data, null, 1), "application/json") }, "Download JSON")),
    resultTable(data));
  };
  show(el("h1", { text: "Query the graph with SPARQL" }),
    el("form", { id: "query-form", onsubmit: run },
      el("div", { class: "form-row" }, el("label", { for: "library" }, "From the query library", pick)),
      question,
      el("label", { for: "sparql" }, "SPARQL query"),
      el("div", { class: "editor" }, pre, area),
      el("div", { class: "form-row" }, el("button", { type: "submit" }, "Run query"))),
    out);
  load();
}
