/* A validation report (the JSON of POST /validate): the verdict first, then what to add (one line per
   missing key, with every citation that asks for it), then classification, obligations, violations. */
import { el } from "./dom.js";
import { link } from "./links.js";
import { rich } from "./text.js";

/* Binding citations link to the provision; guidance is marked as guidance. */
const citeLinks = (cites) => cites.map((c, i) => [i ? "; " : "",
  c.binding ? link(c.notation) : el("span", {}, c.notation, el("span", { class: "guidance" }, "guidance"))]);

/* Citations with the words they cite, folded (superscripts as superscripts: "10^25" reads 10²⁵). */
const citeQuotes = (cites) => cites.map((c, i) => [i ? "; " : "", citeLinks([c]),
  c.text ? el("details", { class: "quote" }, el("summary", {}, "words"), el("blockquote", {}, rich(c.text))) : null]);

/* Unique by notation, first seen first. */
function uniqueCites(cites) {
  const seen = new Set();
  return cites.filter((c) => c && !seen.has(c.notation) && seen.add(c.notation));
}

/* Every key the description should add: the facts the reasoning lacked (classification, obligations)
   and the values the violations and warnings find missing, each once with all its citations. */
export function whatToAdd(rep) {
  const keys = new Map();
  const add = (key, cites, why) => {
    if (!keys.has(key)) keys.set(key, { key, cites: [], why: [] });
    const entry = keys.get(key);
    entry.cites.push(...(cites || []));
    if (why && !entry.why.includes(why)) entry.why.push(why);
  };
  for (const f of rep.missing_facts || []) add(f, [], null);
  for (const [k, c] of Object.entries(rep.classification)) {
    for (const f of c.missing || []) add(f, c.citations, k.replaceAll("_", " "));
  }
  for (const o of rep.obligations) {
    for (const f of o.missing || []) add(f, o.citations || [o.citation], o.title);
  }
  for (const v of rep.violations) {
    if (v.path && v.severity !== "info") add(v.path, v.citations || [v.citation], v.severity);
  }
  return [...keys.values()].map((e) => ({ ...e, cites: uniqueCites(e.cites) }));
}

function verdictOf(rep) {
  const count = rep.violations.filter((v) => v.severity === "violation").length;
  // three honest states: conforms (true), does not conform (false), cannot tell (null)
  return rep.conforms === true ? ["conforms", "conforms"]
    : rep.conforms === false ? ["status-violated", `does not conform: ${count} violation(s)`]
    : ["status-undetermined", "cannot tell: some obligations are undetermined"];
}

export function reportView(rep, actions = null) {
  const verdict = verdictOf(rep);
  const todo = whatToAdd(rep);
  const add = todo.length ? el("section", { id: "what-to-add", "aria-labelledby": "add-h" },
    el("h3", { id: "add-h" }, `What to add (${todo.length})`),
    el("ul", { id: "missing-facts" }, todo.map((t) => el("li", { "data-key": t.key }, el("code", {}, t.key),
      t.why.length ? ` — for ${t.why.join("; ")}` : "",
      t.cites.length ? [" (", citeLinks(t.cites), ")"] : ""))))
    : el("p", { id: "what-to-add" }, "Nothing to add: every fact the assessment needs is given.");
  const cls = Object.entries(rep.classification).map(([k, c]) => el("tr", {},
    el("th", { scope: "row" }, k.replaceAll("_", " ")),
    el("td", { class: "status" }, c.basis === "moot" ? "moot" : c.value === null ? "unknown" : c.value ? "yes" : "no"),
    el("td", {}, rich(c.because), c.missing ? el("div", { class: "meta" }, "Missing: " + c.missing.join(", ")) : null),
    el("td", {}, citeQuotes(c.citations))));
  const obligations = rep.obligations.map((o) => el("tr", {},
    el("td", {}, link(o.citation.notation)), el("td", {}, o.title),
    el("td", { class: `status status-${o.status}` }, o.status.replaceAll("_", " ")),
    el("td", {}, o.due || ""), el("td", {}, rich(o.because), o.exempted_by ? [" — ", link(o.exempted_by.notation)] : null)));
  const violations = rep.violations.map((v) => el("li", {},
    el("span", { class: `status sev-${v.severity}` }, v.severity), " ", el("code", {}, v.path), ": ", rich(v.message),
    " (", citeLinks(v.citations), ")"));
  return el("section", { id: "report", "aria-labelledby": "verdict" },
    el("h2", { id: "verdict", class: verdict[0] }, `${rep.model}, as of ${rep.as_of}: ${verdict[1]}`),
    add,
    actions,
    el("h3", { text: "Classification" }),
    el("div", { class: "table-wrap" }, el("table", { id: "classification" }, el("thead", {}, el("tr", {}, ["Question", "Answer", "Because", "Citations"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, cls))),
    rep.designation_indicators.length ? el("p", {}, "Designation indicators: ", rep.designation_indicators.map((i) => [rich(i.because), " (", citeLinks(i.citations), ")"])) : null,
    el("h3", { text: "Obligations" }),
    el("div", { class: "table-wrap" }, el("table", { id: "obligations" }, el("thead", {}, el("tr", {}, ["Provision", "Obligation", "Status", "Due", "Why"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, obligations))),
    el("h3", { text: `Violations and warnings (${rep.violations.length})` }),
    rep.violations.length ? el("ul", { id: "violations" }, violations) : el("p", { text: "None." }));
}
