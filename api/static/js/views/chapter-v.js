/* #/chapter-v — Chapter V (general-purpose AI models): what its articles refer to and what refers to them. */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { drawGraph } from "../graph-draw.js";
import { enc } from "../links.js";
import { show } from "../page.js";

export async function chapterVPage() {
  const data = await getJSON(`/provisions/${enc("Chapter V")}/graph?depth=1`);
  show(el("h1", { text: "Chapter V — general-purpose AI models: what its articles refer to and what refers to them" }),
    drawGraph(data, true, "Chapter V"));
}
