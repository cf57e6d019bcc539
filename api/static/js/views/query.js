/* #/query — the SPARQL view: YASGUI (api/static/vendor/yasgui/, loaded through vendor.js) against /sparql,
   with the query library above it. YASGUI gives the tabs, the editor (line numbers, syntax errors marked
   as typed, Ctrl+Enter runs, prefix and variable completion), the result table with its filter and
   paging, the raw response and the downloads. Nothing is asked of another host: prefix completion reads
   the graph's own prefixes (GET /prefixes), the endpoint catalogue is empty.

   The page's URL says which query it shows: #/query?query=<urlencoded> opens that query (in a tab of its
   own, over whatever YASGUI kept in localStorage), the hash follows the query of the active tab, and
   YASGUI's share link is that URL. */
import { getJSON } from "../api.js";
import { el } from "../dom.js";
import { enc } from "../links.js";
import { show } from "../page.js";
import { labelControls } from "../query-labels.js";
import { loadLibrary } from "../vendor.js";

const HOST = "query-yasgui";  // YASGUI keys its localStorage by this element's id

/* The URL of this page for a query: what the share button gives and what the hash is kept at. */
export function queryLink(query) {
  return `${location.origin}${location.pathname}#/query?query=${enc(query)}`;
}

/* The query named by the page's hash (#/query?query=…), or null. */
function askedFor() {
  const [, params] = location.hash.slice(1).split("?");
  return new URLSearchParams(params || "").get("query");
}

export async function queryPage() {
  const [library] = await Promise.all([getJSON("/queries"), loadLibrary("yasgui")]);
  const Yasgui = window.Yasgui;
  Yasgui.Tab.prototype.getShareableLink = function () { return queryLink(this.getQuery()); };

  const question = el("p", { id: "question", class: "meta", "aria-live": "polite" });
  const pick = el("select", { id: "library" },
    el("option", { value: "" }, "Choose a query…"),
    library.map((q) => el("option", { value: q.name }, q.title)));
  const fresh = el("input", { type: "checkbox", id: "library-new-tab" });
  const host = el("div", { id: HOST });
  show(el("h1", { text: "Query the graph with SPARQL" }),
    el("form", { id: "query-form", onsubmit: (ev) => ev.preventDefault() },
      el("div", { class: "form-row" },
        el("label", { for: "library" }, "From the query library", pick),
        el("label", { for: "library-new-tab", class: "inline" }, fresh, "in a new tab")),
      question,
      el("p", { class: "meta hint", text: "Ctrl+Enter (⌘+Enter) runs the query; the share button gives its link." })),
    host);

  const yasgui = new Yasgui(host, {
    requestConfig: { endpoint: "/sparql", method: "POST" },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,  // it would read, then clear, the hash the explorer routes by
    endpointCatalogueOptions: { getData: () => [] },
    yasqe: { autocompleters: ["prefixes", "variables"], prefixCcApi: "/prefixes", value: library[0].query },
  });

  const questions = new Map(library.map((q) => [q.query.trim(), q.question]));
  const active = () => yasgui.getTab();
  const followed = new WeakSet();  // the editors whose every change sync() hears
  const sync = () => {
    const tab = active();
    if (!tab) return;
    const yasqe = tab.getYasqe && tab.getYasqe();
    if (yasqe && !followed.has(yasqe)) { followed.add(yasqe); yasqe.on("change", sync); }
    const text = tab.getQuery();
    question.textContent = questions.get(text.trim()) || "";
    if (location.hash.startsWith("#/query")) history.replaceState(null, "", queryLink(text));
    labelControls(host);
  };

  /* Open a query: in the active tab, or in a new one (named) when asked or when none shows it yet. */
  const open = (text, name, inNewTab) => {
    let tab = active();
    if (inNewTab || !tab) {
      tab = yasgui.addTab(true, { name: name || "Query" });
    } else if (name) {
      tab.setName(name);
    }
    tab.setQuery(text);
    tab.show();
    sync();
  };

  pick.addEventListener("change", () => {
    const q = library.find((x) => x.name === pick.value);
    if (q) open(q.query, q.title, fresh.checked);
  });

  const asked = askedFor();
  if (asked !== null && asked.trim() !== (active()?.getQuery() || "").trim()) {
    // a tab kept from before that shows it, else a new tab: the URL's query wins over the kept state
    const kept = yasgui.persistentConfig.getTabs().find((id) => (yasgui.persistentConfig.getTab(id)?.yasqe?.value || "").trim() === asked.trim());
    const q = library.find((x) => x.query.trim() === asked.trim());
    if (kept) yasgui.selectTabId(kept);
    else open(asked, q ? q.title : "Shared query", true);
  }

  yasgui.on("tabSelect", () => setTimeout(sync));
  yasgui.on("tabChange", sync);
  yasgui.on("tabAdd", () => setTimeout(sync));
  yasgui.on("queryResponse", () => setTimeout(() => labelControls(host)));
  sync();
  // YASGUI draws some of its controls a moment later (the result view): label them as they come
  new MutationObserver(() => labelControls(host)).observe(host, { childList: true, subtree: true });
}
