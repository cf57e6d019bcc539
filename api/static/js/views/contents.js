/* #/ — the table of contents: recitals, chapters (with sections and articles), annexes. */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { link } from "../links.js";
import { show } from "../page.js";

export async function contentsPage() {
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
