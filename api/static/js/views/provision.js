/* #/p/<notation> — a provision: its article, annex or recital in full with the provision marked,
   breadcrumbs, what refers to it and the obligations it grounds. */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { enc, link } from "../links.js";
import { show } from "../page.js";
import { linked } from "../text.js";

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

export async function provisionPage(ref) {
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
