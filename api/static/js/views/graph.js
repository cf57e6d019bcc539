/* #/graph/<notation>?depth=1..3&group=0|1 — the cross-references around a provision (graph-cytoscape.js). */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { graphBlock } from "../graph-cytoscape.js";
import { enc, link } from "../links.js";
import { show } from "../page.js";

export async function graphPage(ref, params) {
  const depth = Number(params.get("depth") || 1);
  const grouped = params.get("group") !== "0";
  const data = await getJSON(`/provisions/${enc(ref)}/graph?depth=${depth}`);
  const { block, draw } = await graphBlock(data, grouped, `graph-${data.root}-depth-${depth}`);
  const go = (d, g) => { location.hash = `#/graph/${enc(ref)}?depth=${d}&group=${g ? 1 : 0}`; };
  const depthSelect = el("select", { id: "depth", onchange: (e) => go(e.target.value, grouped) },
    [1, 2, 3].map((d) => el("option", { value: d, selected: d === depth }, String(d))));
  const group = el("input", { id: "group", type: "checkbox", checked: grouped, onchange: (e) => go(depth, e.target.checked) });
  show(el("h1", {}, `Cross-references of `, link(data.root)),
    el("div", { class: "form-row" }, el("label", { for: "depth" }, "Depth", depthSelect),
      el("label", { for: "group" }, "Group by article or annex", group)),
    block);
  draw();
}
