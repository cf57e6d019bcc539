/* A validation report (the JSON of POST /validate) as tables: classification, obligations, violations. */
import { el } from "./dom.js";
import { link } from "./links.js";

/* Binding citations link to the provision; guidance is marked as guidance. */
const citeLinks = (cites) => cites.map((c, i) => [i ? "; " : "",
  c.binding ? link(c.notation) : el("span", {}, c.notation, el("span", { class: "guidance" }, "guidance"))]);

export function reportView(rep) {
  const cls = Object.entries(rep.classification).map(([k, c]) => el("tr", {},
    el("th", { scope: "row" }, k.replaceAll("_", " ")),
    el("td", { class: "status" }, c.basis === "moot" ? "moot" : c.value === null ? "unknown" : c.value ? "yes" : "no"),
    el("td", {}, c.because, c.missing ? el("div", { class: "meta" }, "Missing: " + c.missing.join(", ")) : null),
    el("td", {}, citeLinks(c.citations))));
  const obligations = rep.obligations.map((o) => el("tr", {},
    el("td", {}, link(o.citation.notation)), el("td", {}, o.title),
    el("td", { class: `status status-${o.status}` }, o.status.replaceAll("_", " ")),
    el("td", {}, o.due || ""), el("td", {}, o.because, o.exempted_by ? [" — ", link(o.exempted_by.notation)] : null)));
  const violations = rep.violations.map((v) => el("li", {},
    el("span", { class: `status sev-${v.severity}` }, v.severity), " ", el("code", {}, v.path), ": ", v.message,
    " (", citeLinks(v.citations), ")"));
  const count = rep.violations.filter((v) => v.severity === "violation").length;
  // three honest states: conforms (true), does not conform (false), cannot tell (null)
  const verdict = rep.conforms === true ? ["conforms", "conforms"]
    : rep.conforms === false ? ["status-violated", `does not conform: ${count} violation(s)`]
    : ["status-undetermined", "cannot tell: some obligations are undetermined"];
  const facts = rep.missing_facts && rep.missing_facts.length
    ? el("p", { id: "missing-facts" }, "Facts to add: ", rep.missing_facts.map((f, i) => [i ? ", " : "", el("code", {}, f)]))
    : null;
  return el("section", { id: "report", "aria-labelledby": "verdict" },
    el("h2", { id: "verdict", class: verdict[0] }, `${rep.model}, as of ${rep.as_of}: ${verdict[1]}`),
    facts,
    el("h3", { text: "Classification" }),
    el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {}, ["Question", "Answer", "Because", "Citations"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, cls))),
    rep.designation_indicators.length ? el("p", {}, "Designation indicators: ", rep.designation_indicators.map((i) => [i.because, " (", citeLinks(i.citations), ")"])) : null,
    el("h3", { text: "Obligations" }),
    el("div", { class: "table-wrap" }, el("table", { id: "obligations" }, el("thead", {}, el("tr", {}, ["Provision", "Obligation", "Status", "Due", "Why"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, obligations))),
    el("h3", { text: `Violations and warnings (${rep.violations.length})` }),
    rep.violations.length ? el("ul", { id: "violations" }, violations) : el("p", { text: "None." }));
}
