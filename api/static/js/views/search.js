/* #/search?q=… — the provisions whose words match, best first, with a snippet of each. The header's
   search box jumps straight to a provision when the words are a notation ("Art. 53(2)"). */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { enc, link } from "../links.js";
import { fail, show } from "../page.js";
import { rich } from "../text.js";

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
const unescape = (s) => s.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITIES[e]);

/* A snippet with the words that matched in <mark>: built from the route's snippet_html (escaped text and
   <mark> tags only) as text nodes and elements, never as HTML. */
export function marked(html) {
  return html.split(/<mark>(.*?)<\/mark>/s).map((part, i) =>
    (i % 2 ? el("mark", {}, rich(unescape(part))) : rich(unescape(part))));
}

export async function searchPage(q) {
  const data = await getJSON(`/search?q=${enc(q)}`);
  show(el("h1", {}, `Search: “${q}”`),
    data.results.length ? el("ol", { id: "hits" }, data.results.map((h) => el("li", { class: "hit" },
      link(h.notation), h.title ? ` — ${h.title}` : "",
      el("p", {}, h.snippet_html ? marked(h.snippet_html) : rich(h.snippet))))) : el("p", { text: "Nothing found." }));
}

/* The header's search form: a notation opens the provision (score ≥ 1e9), anything else the hits. */
export async function searchSubmitted(ev) {
  if (ev.target.id !== "search-form") return;
  ev.preventDefault();
  const q = document.getElementById("search-box").value.trim();
  if (!q) return;
  try {
    const data = await getJSON(`/search?q=${enc(q)}&limit=1`);
    const first = data.results[0];
    location.hash = first && first.score >= 1e9 ? `#/p/${enc(first.notation)}` : `#/search?q=${enc(q)}`;
  } catch (err) { fail(err); }
}
