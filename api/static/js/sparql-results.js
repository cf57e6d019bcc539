/* SPARQL JSON results as a sortable table; the graph's own IRIs link to the provision they name. */
import { el } from "./dom.js";
import { enc } from "./links.js";

const ID = "https://w3id.org/aiact-kg/id/";

function cell(term) {
  if (!term) return "";
  if (term.type === "uri") {
    return term.value.startsWith(ID) ? el("a", { href: `#/p/${enc(term.value)}` }, term.value.slice(ID.length))
      : el("a", { href: term.value, rel: "noopener" }, term.value);
  }
  return term.value;
}

/* data: application/sparql-results+json (SELECT or ASK). */
export function resultTable(data) {
  if ("boolean" in data) return el("p", { class: "status" }, data.boolean ? "yes (true)" : "no (false)");
  const vars = data.head.vars;
  let rows = data.results.bindings.slice();
  const table = el("table", { id: "results" });
  const sortState = { col: null, dir: 1 };
  const draw = () => {
    const head = el("tr", {}, vars.map((v) => el("th", { scope: "col", "aria-sort": sortState.col === v ? (sortState.dir > 0 ? "ascending" : "descending") : "none" },
      el("button", { type: "button", onclick: () => { sortState.dir = sortState.col === v ? -sortState.dir : 1; sortState.col = v; sortRows(v); draw(); } }, v))));
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows.map((r) => el("tr", {}, vars.map((v) => el("td", {}, cell(r[v])))))));
  };
  const sortRows = (v) => rows.sort((a, b) => {
    const x = a[v] ? a[v].value : "", y = b[v] ? b[v].value : "";
    const nx = Number(x), ny = Number(y);
    return sortState.dir * (!isNaN(nx) && !isNaN(ny) && x !== "" && y !== "" ? nx - ny : x.localeCompare(y));
  });
  draw();
  return el("div", {}, el("p", { class: "meta", text: `${rows.length} row(s). Click a column to sort.` }), el("div", { class: "table-wrap" }, table));
}
