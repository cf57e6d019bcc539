/* The cross-reference graph, drawn by Cytoscape.js with the fcose layout (both vendored, loaded on demand
   through vendor.js): one dot per provision, one arrow per reference; zoom, pan and drag; hovering (or a
   first tap on a touch screen) highlights a provision and its neighbours; clicking opens it. Optionally
   the provisions sit in a box per article, annex, recital or chapter (compound nodes). Below the canvas,
   every reference as a list of links: the text alternative of the drawing, for keyboard and screen
   readers. The canvas element carries data-zoom (kept up to date) and data-ready (set when laid out),
   and its `cy` property is the Cytoscape instance: the hook of the browser tests (nothing global). */
import { download, el } from "./dom.js";
import { enc, link } from "./links.js";
import { loadLibrary } from "./vendor.js";

const COLOURS = { Article: "#0b4fa8", Paragraph: "#4f83cc", Point: "#8fb3e6", Subparagraph: "#6f9bd9",
  Annex: "#b3261e", AnnexSection: "#d9665f", Recital: "#2e7d32", Chapter: "#6a1b9a", Section: "#9c4dcc" };
const ROOT = "#ff9e1b";

/* The article, annex, recital or chapter a provision belongs to. */
export function groupOf(notation) {
  const m = notation.match(/^(Art\. \d+|Annex [IVXLC]+|Recital \d+|Chapter [IVXLC]+)/);
  return m ? m[1] : notation;
}

/* Inside the box of its group a provision is named without the group: "(1)(a)" in the box "Art. 53". */
const shortName = (notation, group) => notation.slice(group.length).replace(/^,\s*/, "") || notation;

/* The Cytoscape elements of GET /provisions/{ref}/graph: a box for each group of at least two provisions
   when grouped (one alone is named in full instead), ids are the provisions' IRIs. */
export function graphElements(data, grouped) {
  const rootGroup = groupOf(data.root);
  const count = new Map();
  for (const n of data.nodes) count.set(groupOf(n.notation), (count.get(groupOf(n.notation)) || 0) + 1);
  const boxes = grouped ? [...count].filter(([, c]) => c >= 2).map(([g]) => g) : [];
  const boxed = new Set(boxes);
  const nodes = boxes.map((g) => ({ data: { id: `group:${g}`, label: g, notation: g },
    classes: g === rootGroup ? "group root-group" : "group" }));
  for (const n of data.nodes) {
    const g = groupOf(n.notation), box = boxed.has(g);
    nodes.push({
      data: { id: n.id, notation: n.notation, title: n.title || "", type: n.type, colour: COLOURS[n.type] || "#555",
        label: box ? shortName(n.notation, g) : n.notation, parent: box ? `group:${g}` : undefined },
      classes: [n.notation === data.root && "root", n.root && "in-root"].filter(Boolean).join(" "),
    });
  }
  const edges = data.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target,
    from: e.from, to: e.to, text: e.text } }));
  return { nodes, edges };
}

const STYLE = [
  { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", width: 14, height: 14,
    "font-size": 11, color: "#1a1a1a", "text-valign": "bottom", "text-margin-y": 2, "text-outline-color": "#fff",
    "text-outline-width": 2, "min-zoomed-font-size": 5, "border-color": "#fff", "border-width": 1 } },
  { selector: "node.in-root", style: { "border-color": ROOT, "border-width": 3 } },
  { selector: "node.root", style: { width: 34, height: 34, shape: "star", "border-color": "#1a1a1a", "border-width": 1,
    "background-color": ROOT, "font-size": 18, "font-weight": "bold", "min-zoomed-font-size": 3, "z-index": 10 } },
  { selector: "node.group", style: { shape: "round-rectangle", "background-color": "#f3f5f8", "background-opacity": 0.7,
    "border-color": "#9a9a9a", "border-width": 1, label: "data(label)", "text-valign": "top", "text-halign": "center",
    "text-margin-y": -2, "font-size": 15, "font-weight": "bold", color: "#333", padding: 6, "min-zoomed-font-size": 4 } },
  { selector: "node.group.root-group", style: { "background-color": "#fff7e6", "border-color": ROOT, "border-width": 2 } },
  { selector: "edge", style: { width: 1, "line-color": "#a0a0a0", "target-arrow-color": "#a0a0a0",
    "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "bezier", opacity: 0.8 } },
  { selector: "node.highlighted", style: { "z-index": 20 } },
  { selector: "edge.highlighted", style: { width: 2, "line-color": "#0b4fa8", "target-arrow-color": "#0b4fa8", opacity: 1,
    "z-index": 20 } },
  { selector: "edge.labelled", style: { label: "data(text)", "font-size": 11, color: "#1a1a1a", "text-rotation": "autorotate",
    "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 2,
    "min-zoomed-font-size": 6, "z-index": 30 } },
  { selector: "node.faded", style: { opacity: 0.18 } },
  { selector: "edge.faded", style: { opacity: 0.08 } },
  { selector: "node.group.dimmed", style: { "background-opacity": 0.25, "border-opacity": 0.3, "text-opacity": 0.35 } },
];

/* Readable at depth 2 and 3 of a busy article: labels count in a node's size, long springs, strong
   repulsion, and room between the boxes. */
const LAYOUT = { name: "fcose", quality: "proof", randomize: true, animate: false, fit: true, padding: 20,
  nodeDimensionsIncludeLabels: true,
  packComponents: false,  // packing needs cytoscape-layout-utilities, not vendored: the boxes keep the parts together
  nodeRepulsion: () => 7000, idealEdgeLength: () => 60, edgeElasticity: () => 0.45, nodeSeparation: 80,
  nestingFactor: 0.1, gravity: 0.4, gravityRange: 3.0, gravityCompound: 1.5, gravityRangeCompound: 1.2,
  numIter: 4000, tile: true, tilingPaddingVertical: 8, tilingPaddingHorizontal: 8 };

let registered = false;
let current = null;  // the live instance: destroyed once its canvas leaves the page
new MutationObserver(() => {
  if (current && !current.container()?.isConnected) { current.destroy(); current = null; }
}).observe(document.documentElement, { childList: true, subtree: true });

const quoted = (edges, end) => edges.map((e) => `${e.data(end)} (“${e.data("text")}”)`);
function listed(label, items) {
  if (!items.length) return "";
  const more = items.length > 8 ? `, and ${items.length - 8} more` : "";
  return ` ${label} ${items.slice(0, 8).join(", ")}${more}.`;
}

/* The words shown for a provision: what it refers to and what refers to it, with the referring words. */
function describeNode(node) {
  const title = node.data("title") ? ` — ${node.data("title")}` : "";
  const out = node.connectedEdges().filter((e) => e.source().same(node));
  const inc = node.connectedEdges().filter((e) => e.target().same(node) && !e.source().same(node));
  return `${node.data("notation")}${title}.` + listed("Refers to", quoted(out, "to"))
    + listed("Referred to by", quoted(inc, "from"));
}

const HINT = "Hover over or tap a provision to highlight its references, click it to open it; hover over an "
  + "arrow to read its words. Scroll or pinch to zoom, drag to pan.";

/* data: the JSON of GET /provisions/{ref}/graph → the graph's block (the canvas is drawn once it is in
   the page: call the returned draw() after show()). */
export async function graphBlock(data, grouped, name) {
  await loadLibrary("cytoscape");
  if (!registered) { window.cytoscape.use(window.cytoscapeFcose); registered = true; }
  const { nodes, edges } = graphElements(data, grouped);
  const canvas = el("div", { id: "graph-canvas", class: data.nodes.length > 60 ? "graph-canvas big" : "graph-canvas", role: "img",
    "aria-label": `Cross-reference graph of ${data.root}: ${data.nodes.length} provisions, ${data.edges.length} references (listed below)` });
  const info = el("p", { id: "graph-info", class: "graph-info", "aria-live": "off", text: HINT });
  let cy = null;
  const button = (text, onclick, cls = "secondary") => el("button", { type: "button", class: cls, onclick }, text);
  const tools = el("div", { class: "graph-tools" },
    button("Zoom in", () => cy.zoom({ level: cy.zoom() * 1.4, renderedPosition: centre() })),
    button("Zoom out", () => cy.zoom({ level: cy.zoom() / 1.4, renderedPosition: centre() })),
    button("Fit / reset", () => { clear(); cy.animate({ fit: { padding: 24 } }, { duration: 250 }); }),
    button("Download PNG", () => download(`${name}.png`, cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }),
      "image/png"), "png"));
  const types = [...new Set(data.nodes.map((n) => n.type))];
  const legend = el("p", { class: "legend" },
    el("span", {}, el("span", { class: "swatch root-swatch" }), `${data.root} (the star; its parts ringed)`),
    types.map((t) => el("span", {}, el("span", { class: "swatch", style: `background:${COLOURS[t] || "#555"}` }), t)),
    grouped ? el("span", {}, el("span", { class: "swatch box-swatch" }), "article, annex, recital or chapter") : null);
  const touched = new Set(data.edges.flatMap((e) => [e.source, e.target]));
  const alone = data.nodes.filter((n) => !touched.has(n.id));
  const list = el("details", { class: "graph-list" },
    el("summary", {}, `The ${data.edges.length} references as a list`),
    el("ul", { id: "graph-edges" },
      data.edges.map((e) => el("li", {}, link(e.from), " → ", link(e.to), " ", el("span", { class: "words", text: `“${e.text}”` }))),
      alone.map((n) => el("li", {}, link(n.notation), " (no reference in this neighbourhood)"))));
  const block = el("div", { class: "graph" }, tools, canvas, info, legend,
    el("p", { class: "meta", text: `${data.nodes.length} provisions, ${data.edges.length} references.` }), list);

  const centre = () => ({ x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 });
  let lit = null;
  function clear() {
    lit = null;
    cy.elements().removeClass("faded highlighted labelled dimmed");
    info.textContent = HINT;
  }
  function highlight(node) {
    clear();
    lit = node;
    const hood = node.closedNeighborhood();
    cy.elements().not(hood).not(":parent").addClass("faded");
    cy.nodes(":parent").not(hood.nodes().ancestors()).addClass("dimmed");
    hood.addClass("highlighted");
    const around = node.connectedEdges();
    if (around.length <= 12) around.addClass("labelled");
    info.textContent = describeNode(node);
  }

  function draw() {
    if (current) current.destroy();
    cy = current = window.cytoscape({ container: canvas, elements: { nodes, edges }, style: STYLE,
      minZoom: 0.1, maxZoom: 4, boxSelectionEnabled: false });
    canvas.cy = cy;
    const zoomed = () => { canvas.dataset.zoom = cy.zoom().toFixed(4); };
    cy.on("zoom", zoomed);
    zoomed();
    cy.on("mouseover", "node", (ev) => { if (!ev.target.isParent()) highlight(ev.target); });
    cy.on("mouseout", "node", (ev) => { if (lit && lit.same(ev.target)) clear(); });
    cy.on("mouseover", "edge", (ev) => {
      const e = ev.target;
      e.addClass("labelled highlighted");
      info.textContent = `${e.data("from")} → ${e.data("to")}: “${e.data("text")}”`;
    });
    cy.on("mouseout", "edge", (ev) => {
      if (!lit || !ev.target.connectedNodes().contains(lit)) ev.target.removeClass("labelled highlighted");
      info.textContent = lit ? describeNode(lit) : HINT;
    });
    cy.on("tap", (ev) => { if (ev.target === cy) clear(); });
    canvas.addEventListener("mouseleave", () => { if (lit) clear(); });
    cy.on("tap", "node", (ev) => {
      const node = ev.target;
      if (node.isParent()) return;
      // a touch has no hover: the first tap highlights, a second on the same provision opens it
      if (/^touch/.test(ev.originalEvent?.type || "") && !(lit && lit.same(node))) { highlight(node); return; }
      location.hash = `#/p/${enc(node.data("notation"))}`;
    });
    const layout = cy.layout(LAYOUT);
    layout.one("layoutstop", () => { zoomed(); canvas.dataset.ready = "1"; });
    layout.run();
  }
  return { block, draw };
}
