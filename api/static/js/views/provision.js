/* #/p/<notation> — a provision: its article, annex or recital in full with the provision marked,
   breadcrumbs, the previous and next article (annex, recital), what refers to it, the recitals that explain
   it (suggestions, not law) and the obligations it grounds. It opens at the top, or at the provision. */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { enc, link } from "../links.js";
import { show } from "../page.js";
import { linked, rich } from "../text.js";

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
  const pager = (where) => (tree.previous || tree.next) ? el("nav", { class: "pager", "aria-label": `Previous and next (${where})` },
    tree.previous ? el("a", { rel: "prev", class: "prev", href: `#/p/${enc(tree.previous.notation)}`,
      title: tree.previous.title || tree.previous.notation }, "← " + tree.previous.notation) : el("span"),
    tree.next ? el("a", { rel: "next", class: "next", href: `#/p/${enc(tree.next.notation)}`,
      title: tree.next.title || tree.next.notation }, tree.next.notation + " →") : el("span")) : null;
  // recitals explain the Act and do not bind: they are listed apart, as reading suggestions
  const isRecital = (r) => /^Recital \d+/.test(r.from);
  const law = page.referenced_by.filter((r) => !isRecital(r));
  const recitals = page.referenced_by.filter(isRecital);
  const refLine = (r) => el("li", {}, link(r.from), ` → ${r.target}: “`, rich(r.text), "”");
  const incoming = el("section", { "aria-labelledby": "refby" }, el("h2", { id: "refby" }, `Referred to by (${law.length})`),
    law.length ? el("ul", {}, law.map(refLine)) : el("p", { text: "No provision refers to it." }));
  const explained = recitals.length ? el("section", { id: "recitals", class: "suggestions", "aria-labelledby": "recitals-h" },
    el("h2", { id: "recitals-h" }, `Recitals that refer to it (${new Set(recitals.map((r) => r.from)).size})`,
      el("span", { class: "guidance" }, "suggestion, not law")),
    el("p", { class: "meta" }, "Recitals explain the Act; they do not bind."),
    // one line per recital; each of its references once, with the provisions it names
    el("ul", {}, [...Map.groupBy(recitals, (r) => r.from)].map(([from, rs]) => el("li", {}, link(from), ": ",
      [...Map.groupBy(rs, (r) => r.text)].map(([words, named], i) => [i ? "; " : "", "“", rich(words), "” → ",
        named.map((r, j) => [j ? ", " : "", link(r.target)])]))))) : null;
  const grounds = el("section", { "aria-labelledby": "obl" }, el("h2", { id: "obl" }, "Obligations it grounds"),
    page.obligations.length ? el("ul", {}, page.obligations.map((o) => el("li", {},
      `${o.title} (${o.id}): `, o.legal_basis.map((b, i) => [i ? ", " : "", link(b)]),
      o.exempted_by ? [" — lifted by ", link(o.exempted_by)] : null))) : el("p", { text: "None in the obligation catalogue." }));
  show(crumbs, pager("top"), heading, meta, body, pager("bottom"), incoming, explained, grounds);
  document.title = `${page.notation} — aiact-kg`;
  if (info.notation !== page.notation) {  // a permalink: the page opens at the paragraph or point it names
    const target = document.getElementById(slug(info.notation));
    if (target) { target.classList.add("target"); target.scrollIntoView({ block: "start" }); }
  }
}
