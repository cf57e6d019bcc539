/* The cross-reference graph as SVG: one circle per provision (a link to it), one arrow per reference,
   optionally grouped by article, annex, recital or chapter. */
import { el } from "./dom.js";
import { layout } from "./graph-layout.js";
import { enc } from "./links.js";

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = { Article: "#0b4fa8", Paragraph: "#4f83cc", Point: "#8fb3e6", Subparagraph: "#6f9bd9",
  Annex: "#b3261e", AnnexSection: "#d9665f", Recital: "#2e7d32", Chapter: "#6a1b9a", Section: "#9c4dcc" };

/* The article, annex, recital or chapter a provision belongs to. */
export function groupOf(notation) {
  const m = notation.match(/^(Art\. \d+|Annex [IVXLC]+|Recital \d+|Chapter [IVXLC]+)/);
  return m ? m[1] : notation;
}
const typeOf = (n) => n.startsWith("Art.") ? "Article" : n.startsWith("Annex") ? "Annex" : n.startsWith("Recital") ? "Recital" : "Chapter";

const svgEl = (tag, attrs) => {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
};

/* data: the JSON of GET /provisions/{ref}/graph. */
export function drawGraph(data, grouped, rootGroup) {
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
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `Cross-reference graph: ${nodes.length} provisions, ${edges.length} references` });
  const defs = svgEl("defs", {});
  defs.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker>';
  svg.append(defs);
  for (const e of edges) {
    const p = pos.get(e.source), q = pos.get(e.target);
    if (!p || !q) continue;
    const line = svgEl("line", { x1: p.x, y1: p.y, x2: q.x, y2: q.y, stroke: "#999", "stroke-width": 1, "marker-end": "url(#arrow)" });
    const title = svgEl("title", {}); title.textContent = `${e.source} → ${e.target}: ${e.text}`;
    line.append(title); svg.append(line);
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    const a = svgEl("a", { href: `#/p/${enc(n.id)}`, "aria-label": n.id, class: "gnode" });
    const c = svgEl("circle", { cx: p.x, cy: p.y, r: n.root ? 10 : 7, fill: COLOURS[n.type] || "#555",
      stroke: n.root ? "#ff9e1b" : "#fff", "stroke-width": n.root ? 3 : 1 });
    const t = svgEl("text", { x: p.x + 11, y: p.y + 4 }); t.textContent = n.id;
    a.append(c, t); svg.append(a);
  }
  const legend = el("p", { class: "legend" }, [...new Set(nodes.map((n) => n.type))].map((t) =>
    el("span", {}, el("span", { class: "swatch", style: `background:${COLOURS[t] || "#555"}` }), t)));
  return el("div", { class: "graph" }, svg, legend,
    el("p", { class: "meta", text: `${nodes.length} provisions, ${edges.length} references. Click a provision to open it.` }));
}
