/* aiact-kg explorer: read the Act, follow cross-references, validate a model, query with SPARQL.
   Plain JavaScript, no library, no CDN: it reads the JSON routes of the service. */
"use strict";

const main = () => document.getElementById("main");
const enc = encodeURIComponent;
const ID = "https://w3id.org/aiact-kg/id/";
const COLOURS = { Article: "#0b4fa8", Paragraph: "#4f83cc", Point: "#8fb3e6", Subparagraph: "#6f9bd9",
  Annex: "#b3261e", AnnexSection: "#d9665f", Recital: "#2e7d32", Chapter: "#6a1b9a", Section: "#9c4dcc" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

async function getJSON(url, options = {}) {
  const r = await fetch(url, options);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.detail || `${r.status} ${r.statusText}`);
  return body;
}

const link = (notation, text) => el("a", { href: `#/p/${enc(notation)}` }, text || notation);

let navigated = false;  // focus moves to the content on navigation, not on the first load (skip link first)
function show(...nodes) {
  const m = main();
  m.replaceChildren(...nodes);
  if (navigated) m.focus({ preventScroll: true });
  navigated = true;
}

function fail(err) {
  show(el("h1", { text: "Something went wrong" }), el("p", { class: "error", role: "alert", text: err.message }));
}

/* Plain text with its superscripts: the graph writes 10 to the power 25 as "10^25" (docs/notation.md).
   Text nodes and <sup> elements only, never HTML from the data. */
function rich(text) {
  return text.split(/\^(\d+)/).map((part, i) => (i % 2 ? el("sup", {}, part) : part));
}

/* Text with its cross-references as links. refs: [{start, end, targets: [{notation, iri, internal}]}];
   offsets count in the plain text, so the text is cut at them first and each piece rendered after. */
function linked(text, refs) {
  const out = [];
  let at = 0;
  for (const r of refs || []) {
    if (r.start < at || r.end > text.length) continue;
    out.push(rich(text.slice(at, r.start)));
    const [first, ...rest] = r.targets;
    const a = first.internal ? link(first.notation, text.slice(r.start, r.end))
      : el("a", { href: first.iri, rel: "noopener", title: first.notation }, text.slice(r.start, r.end));
    a.classList.add("xref");
    a.setAttribute("data-target", first.notation);
    out.push(a);
    if (rest.length) {
      out.push(el("span", { class: "more" }, " [", rest.flatMap((t, i) => [i ? ", " : "",
        t.internal ? link(t.notation) : el("a", { href: t.iri, rel: "noopener" }, t.notation)]), "]"));
    }
    at = r.end;
  }
  out.push(rich(text.slice(at)));
  return out;
}

const slug = (notation) => "n-" + notation.replace(/[^A-Za-z0-9]+/g, "-");

function renderNode(node, depth) {
  const own = [];
  if (node.children) {
    if (node.lead) own.push(el("p", { class: "own" }, linked(node.lead, node.lead_refs)));
  } else if (node.text) {
    own.push(el("p", { class: "own" }, linked(node.text, node.refs)));
  }
  const head = depth === 0 ? null : el("div", {},
    node.label ? el("span", { class: "label" }, node.label) : null,
    node.title && node.type !== "Article" ? el("strong", {}, node.title) : null,
    el("a", { class: "permalink", href: `#/p/${enc(node.notation)}`, "aria-label": `Permalink to ${node.notation}`,
      title: node.notation }, "¶ " + node.notation));
  const kids = (node.children || []).map((c) => renderNode(c, depth + 1));
  const tail = node.children && node.tail ? el("p", { class: "own" }, linked(node.tail, node.tail_refs)) : null;
  return el("section", { class: "node", id: slug(node.notation), "aria-label": node.notation }, head, own, kids, tail);
}

function topOf(info) {
  // the provision a reader opens: the article, annex, recital, or the provision itself
  const chain = [...info.ancestors, info.notation];
  return chain.find((n) => /^(Art\. \d+|Annex [IVXLC]+|Recital \d+)$/.test(n)) || info.notation;
}

async function provisionPage(ref) {
  const info = await getJSON(`/provisions/${enc(ref)}`);
  const top = topOf(info);
  const [page, tree] = await Promise.all([
    top === info.notation ? info : getJSON(`/provisions/${enc(top)}`),
    getJSON(`/provisions/${enc(top)}/tree`)]);
  const crumbs = el("nav", { class: "breadcrumbs", "aria-label": "Breadcrumbs" },
    el("ol", {}, el("li", {}, el("a", { href: "#/" }, "Regulation (EU) 2024/1689")),
      page.ancestors.map((a) => el("li", {}, link(a))), el("li", { "aria-current": "page" }, page.notation)));
  const heading = el("h1", {}, page.notation + (page.title && page.type !== "Paragraph" ? " — " + page.title : ""));
  const meta = el("p", { class: "meta" },
    el("a", { href: page.url, rel: "noopener" }, "Read on EUR-Lex"),
    el("a", { href: `#/graph/${enc(page.notation)}` }, "Cross-reference graph"));
  const body = el("div", { class: "provision-text" }, renderNode(tree, 0));
  const incoming = el("section", { "aria-labelledby": "refby" }, el("h2", { id: "refby" }, `Referred to by (${page.referenced_by.length})`),
    page.referenced_by.length ? el("ul", {}, page.referenced_by.map((r) =>
      el("li", {}, link(r.from), ` → ${r.target}: “${r.text}”`))) : el("p", { text: "No provision refers to it." }));
  const grounds = el("section", { "aria-labelledby": "obl" }, el("h2", { id: "obl" }, "Obligations it grounds"),
    page.obligations.length ? el("ul", {}, page.obligations.map((o) => el("li", {},
      `${o.title} (${o.id}): `, o.legal_basis.map((b, i) => [i ? ", " : "", link(b)]),
      o.exempted_by ? [" — lifted by ", link(o.exempted_by)] : null))) : el("p", { text: "None in the obligation catalogue." }));
  show(crumbs, heading, meta, body, incoming, grounds);
  document.title = `${page.notation} — aiact-kg`;
  if (info.notation !== page.notation) {
    const target = document.getElementById(slug(info.notation));
    if (target) { target.classList.add("target"); target.scrollIntoView({ block: "center" }); }
  }
}

async function contentsPage() {
  const toc = await getJSON("/toc");
  const item = (e) => el("li", {}, link(e.notation), e.title ? ` — ${e.title}` : "",
    e.children ? el("ul", {}, e.children.map(item)) : null);
  const recitals = el("details", {}, el("summary", {}, `Recitals (${toc.recitals})`),
    el("p", {}, Array.from({ length: toc.recitals }, (_, i) => [i ? " · " : "", link(`Recital ${i + 1}`, String(i + 1))])));
  show(el("h1", { text: "Regulation (EU) 2024/1689 — the Artificial Intelligence Act" }),
    el("p", { text: "Every provision of the Act with its cross-references, generated from the official Formex text." }),
    el("nav", { class: "toc", "aria-label": "Table of contents" },
      recitals,
      el("h2", { text: "Chapters" }), el("ul", {}, toc.chapters.map(item)),
      el("h2", { text: "Annexes" }), el("ul", {}, toc.annexes.map(item))));
  document.title = "aiact-kg — the AI Act explorer";
}

/* ---- graph ------------------------------------------------------------------------------------ */
function groupOf(notation) {
  const m = notation.match(/^(Art\. \d+|Annex [IVXLC]+|Recital \d+|Chapter [IVXLC]+)/);
  return m ? m[1] : notation;
}
const typeOf = (n) => n.startsWith("Art.") ? "Article" : n.startsWith("Annex") ? "Annex" : n.startsWith("Recital") ? "Recital" : "Chapter";

function layout(nodes, edges, width, height) {
  const pos = new Map(nodes.map((n, i) => [n.id, { x: width / 2 + 200 * Math.cos(i), y: height / 2 + 150 * Math.sin(i * 1.7), vx: 0, vy: 0 }]));
  for (let step = 0; step < 300; step++) {
    for (const a of nodes) for (const b of nodes) {
      if (a === b) continue;
      const p = pos.get(a.id), q = pos.get(b.id);
      const dx = p.x - q.x, dy = p.y - q.y, d2 = dx * dx + dy * dy + 0.01;
      const f = 2500 / d2; p.vx += dx * f / Math.sqrt(d2); p.vy += dy * f / Math.sqrt(d2);
    }
    for (const e of edges) {
      const p = pos.get(e.source), q = pos.get(e.target);
      if (!p || !q) continue;
      const dx = q.x - p.x, dy = q.y - p.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01, f = (d - 90) * 0.02;
      p.vx += dx / d * f; p.vy += dy / d * f; q.vx -= dx / d * f; q.vy -= dy / d * f;
    }
    for (const p of pos.values()) {
      p.vx += (width / 2 - p.x) * 0.005; p.vy += (height / 2 - p.y) * 0.005;
      p.x = Math.min(width - 30, Math.max(30, p.x + p.vx * 0.5)); p.y = Math.min(height - 20, Math.max(20, p.y + p.vy * 0.5));
      p.vx *= 0.6; p.vy *= 0.6;
    }
  }
  return pos;
}

function drawGraph(data, grouped, rootGroup) {
  const ns = "http://www.w3.org/2000/svg";
  const width = 900, height = 560;
  let nodes = data.nodes.map((n) => ({ id: n.notation, type: n.type, root: n.root }));
  let edges = data.edges.map((e) => ({ source: e.from, target: e.to, text: e.text }));
  if (grouped) {
    const ids = new Map();
    for (const n of nodes) {
      const g = groupOf(n.id);
      if (!ids.has(g)) ids.set(g, { id: g, type: typeOf(g), root: g === rootGroup || n.root });
    }
    nodes = [...ids.values()];
    const seen = new Set();
    edges = edges.map((e) => ({ source: groupOf(e.source), target: groupOf(e.target), text: e.text }))
      .filter((e) => e.source !== e.target && !seen.has(e.source + ">" + e.target) && seen.add(e.source + ">" + e.target));
  }
  const pos = layout(nodes, edges, width, height);
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Cross-reference graph: ${nodes.length} provisions, ${edges.length} references`);
  const defs = document.createElementNS(ns, "defs");
  defs.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker>';
  svg.append(defs);
  for (const e of edges) {
    const p = pos.get(e.source), q = pos.get(e.target);
    if (!p || !q) continue;
    const line = document.createElementNS(ns, "line");
    Object.entries({ x1: p.x, y1: p.y, x2: q.x, y2: q.y, stroke: "#999", "stroke-width": 1, "marker-end": "url(#arrow)" })
      .forEach(([k, v]) => line.setAttribute(k, v));
    const title = document.createElementNS(ns, "title"); title.textContent = `${e.source} → ${e.target}: ${e.text}`;
    line.append(title); svg.append(line);
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    const a = document.createElementNS(ns, "a");
    a.setAttribute("href", `#/p/${enc(n.id)}`);
    a.setAttribute("aria-label", n.id);
    a.setAttribute("class", "gnode");
    const c = document.createElementNS(ns, "circle");
    Object.entries({ cx: p.x, cy: p.y, r: n.root ? 10 : 7, fill: COLOURS[n.type] || "#555", stroke: n.root ? "#ff9e1b" : "#fff", "stroke-width": n.root ? 3 : 1 })
      .forEach(([k, v]) => c.setAttribute(k, v));
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", p.x + 11); t.setAttribute("y", p.y + 4); t.textContent = n.id;
    a.append(c, t); svg.append(a);
  }
  const legend = el("p", { class: "legend" }, [...new Set(nodes.map((n) => n.type))].map((t) =>
    el("span", {}, el("span", { class: "swatch", style: `background:${COLOURS[t] || "#555"}` }), t)));
  return el("div", { class: "graph" }, svg, legend,
    el("p", { class: "meta", text: `${nodes.length} provisions, ${edges.length} references. Click a provision to open it.` }));
}

async function graphPage(ref, params) {
  const depth = Number(params.get("depth") || 1);
  const grouped = params.get("group") !== "0";
  const data = await getJSON(`/provisions/${enc(ref)}/graph?depth=${depth}`);
  const go = (d, g) => { location.hash = `#/graph/${enc(ref)}?depth=${d}&group=${g ? 1 : 0}`; };
  const depthSelect = el("select", { id: "depth", onchange: (e) => go(e.target.value, grouped) },
    [1, 2, 3].map((d) => el("option", { value: d, selected: d === depth }, String(d))));
  const group = el("input", { id: "group", type: "checkbox", checked: grouped, onchange: (e) => go(depth, e.target.checked) });
  show(el("h1", {}, `Cross-references of `, link(data.root)),
    el("div", { class: "form-row" }, el("label", { for: "depth" }, "Depth", depthSelect),
      el("label", { for: "group" }, "Group by article or annex", group)),
    drawGraph(data, grouped, groupOf(data.root)));
}

async function chapterVPage() {
  const data = await getJSON(`/provisions/${enc("Chapter V")}/graph?depth=1`);
  show(el("h1", { text: "Chapter V — general-purpose AI models: what its articles refer to and what refers to them" }),
    drawGraph(data, true, "Chapter V"));
}

/* ---- validate --------------------------------------------------------------------------------- */
function mediaOf(text) {
  const t = text.trim();
  if (t.startsWith("{")) return "application/json";
  if (t.startsWith("@prefix") || t.startsWith("<") || t.startsWith("PREFIX")) return "text/turtle";
  return "application/yaml";
}

const citeLinks = (cites) => cites.map((c, i) => [i ? "; " : "",
  c.binding ? link(c.notation) : el("span", {}, c.notation, el("span", { class: "guidance" }, "guidance"))]);

function reportView(rep) {
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

function download(name, text, type) {
  const a = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a); a.click(); a.remove();
}

async function validatePage() {
  const examples = await getJSON("/examples");
  const text = el("textarea", { id: "description", class: "plain", spellcheck: "false",
    placeholder: '{"name": "MyModel-7B", "training_compute_flop": 2e24, ...}' });
  const pick = el("select", { id: "example" }, el("option", { value: "" }, "— choose —"), examples.map((e) => el("option", { value: e }, e)));
  const file = el("input", { id: "upload", type: "file", accept: ".json,.yaml,.yml,.ttl,.jsonld" });
  const asOf = el("input", { id: "as-of", type: "date", value: new Date().toISOString().slice(0, 10) });
  const out = el("div", { id: "result", "aria-live": "polite" });
  let last = null;
  pick.addEventListener("change", async () => {
    if (pick.value) text.value = await (await fetch(`/examples/${enc(pick.value)}`)).text();
  });
  file.addEventListener("change", async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  const run = async (accept) => fetch(`/validate?as_of=${asOf.value}`, { method: "POST", body: text.value,
    headers: { "content-type": mediaOf(text.value), accept } });
  const submit = async (ev) => {
    ev.preventDefault();
    out.replaceChildren(el("p", { text: "Validating…" }));
    const r = await run("application/json");
    const body = await r.json();
    if (!r.ok) { out.replaceChildren(el("p", { class: "error", role: "alert" }, body.detail)); return; }
    last = body;
    out.replaceChildren(el("div", { class: "form-row" },
      el("button", { type: "button", class: "secondary", onclick: () => download(`${last.model}-report.json`, JSON.stringify(last, null, 2), "application/json") }, "Download JSON report"),
      el("button", { type: "button", class: "secondary", onclick: async () => download(`${last.model}-shacl.ttl`, await (await run("text/turtle")).text(), "text/turtle") }, "Download SHACL report (Turtle)")),
    reportView(body));
  };
  show(el("h1", { text: "Validate a model description" }),
    el("p", {}, "Paste or upload a description (JSON, YAML or Turtle; see ", el("a", { href: "/docs" }, "the API"), "), or pick an example."),
    el("form", { id: "validate-form", onsubmit: submit },
      el("div", { class: "form-row" }, el("label", { for: "example" }, "Example", pick), el("label", { for: "upload" }, "Upload a file", file),
        el("label", { for: "as-of" }, "Assess as of", asOf)),
      el("label", { for: "description" }, "Model description"), text,
      el("div", { class: "form-row" }, el("button", { type: "submit" }, "Validate"))),
    out);
}

/* ---- SPARQL ----------------------------------------------------------------------------------- */
const KEYWORDS = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE|WHERE|PREFIX|BASE|OPTIONAL|FILTER|UNION|GRAPH|VALUES|BIND|AS|ORDER|BY|GROUP|HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|NOT|EXISTS|MINUS|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|DESC|ASC|IF|COALESCE|STR|LANG|REGEX|CONTAINS|STRSTARTS|LCASE|UCASE|BOUND|IN|a|true|false)\b/gi;
function highlight(src) {
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const re = /(#[^\n]*)|("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|(<[^\s<>]*>)|([?$][A-Za-z_][\w]*)|([A-Za-z][\w-]*:[\w\-.]*)|([A-Za-z_]+)|([\s\S])/g;
  let out = "", m;
  while ((m = re.exec(src)) !== null) {
    const [t, com, str, iri, v, pn, word] = m;
    if (com) out += `<span class="tok-com">${esc(com)}</span>`;
    else if (str) out += `<span class="tok-str">${esc(str)}</span>`;
    else if (iri) out += `<span class="tok-iri">${esc(iri)}</span>`;
    else if (v) out += `<span class="tok-var">${esc(v)}</span>`;
    else if (pn) out += `<span class="tok-pn">${esc(pn)}</span>`;
    else if (word && word.match(KEYWORDS)) out += `<span class="tok-kw">${esc(word)}</span>`;
    else out += esc(t);
  }
  return out + "\n";
}

function cell(term) {
  if (!term) return "";
  if (term.type === "uri") {
    return term.value.startsWith(ID) ? el("a", { href: `#/p/${enc(term.value)}` }, term.value.slice(ID.length))
      : el("a", { href: term.value, rel: "noopener" }, term.value);
  }
  return term.value;
}

function resultTable(data) {
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

async function queryPage() {
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

/* ---- search ----------------------------------------------------------------------------------- */
async function searchPage(q) {
  const data = await getJSON(`/search?q=${enc(q)}`);
  show(el("h1", {}, `Search: “${q}”`),
    data.results.length ? el("ol", { id: "hits" }, data.results.map((h) => el("li", { class: "hit" },
      link(h.notation), h.title ? ` — ${h.title}` : "", el("p", {}, rich(h.snippet))))) : el("p", { text: "Nothing found." }));
}

document.addEventListener("submit", async (ev) => {
  if (ev.target.id !== "search-form") return;
  ev.preventDefault();
  const q = document.getElementById("search-box").value.trim();
  if (!q) return;
  try {
    const data = await getJSON(`/search?q=${enc(q)}&limit=1`);
    const first = data.results[0];
    location.hash = first && first.score >= 1e9 ? `#/p/${enc(first.notation)}` : `#/search?q=${enc(q)}`;
  } catch (err) { fail(err); }
});

/* ---- routing ---------------------------------------------------------------------------------- */
async function route() {
  const hash = location.hash.slice(1) || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  try {
    if (path.startsWith("/p/")) await provisionPage(decodeURIComponent(path.slice(3)));
    else if (path.startsWith("/graph/")) await graphPage(decodeURIComponent(path.slice(7)), params);
    else if (path === "/chapter-v") await chapterVPage();
    else if (path === "/validate") await validatePage();
    else if (path === "/query") await queryPage();
    else if (path === "/search") await searchPage(params.get("q") || "");
    else await contentsPage();
  } catch (err) { fail(err); }
}
window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);
