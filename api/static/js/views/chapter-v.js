/* #/chapter-v — Chapter V (general-purpose AI models): what its articles refer to and what refers to them. */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { graphBlock } from "../graph-cytoscape.js";
import { enc } from "../links.js";
import { show } from "../page.js";

export async function chapterVPage() {
  const data = await getJSON(`/provisions/${enc("Chapter V")}/graph?depth=1`);
  const { block, draw } = await graphBlock(data, true, "graph-chapter-V");
  show(el("h1", { text: "Chapter V — general-purpose AI models: what its articles refer to and what refers to them" }),
    el("p", {}, el("a", { href: `#/graph/${enc("Chapter V")}?depth=1&group=1`, text: "The same graph with a choice of depth" })),
    block);
  draw();
}
