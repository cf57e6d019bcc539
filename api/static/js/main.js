/* aiact-kg explorer: read the Act, follow cross-references, validate a model, query with SPARQL.
   Plain JavaScript modules, no build step, no CDN: it reads the JSON routes of the service. The standard
   components (YASGUI, Cytoscape.js, CodeMirror) are vendored and loaded by the views that use them
   (vendor.js). This entry module routes the location's hash to a view (one module per view in views/). */
import { fail } from "./page.js";
import { chapterVPage } from "./views/chapter-v.js";
import { contentsPage } from "./views/contents.js";
import { graphPage } from "./views/graph.js";
import { provisionPage } from "./views/provision.js";
import { queryPage } from "./views/query.js";
import { searchPage, searchSubmitted } from "./views/search.js";
import { validatePage } from "./views/validate.js";

async function route() {
  const hash = location.hash.slice(1) || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  try {
    if (path.startsWith("/p/")) await provisionPage(decodeURIComponent(path.slice(3)));
    else if (path.startsWith("/graph/")) await graphPage(decodeURIComponent(path.slice(7)), params);
    else if (path === "/chapter-v") await chapterVPage();
    else if (path === "/validate") await validatePage();
    else if (path === "/query") await queryPage();
    else if (path === "/search") await searchPage(params.get("q") || "");
    else await contentsPage();
  } catch (err) { fail(err); }
}

document.addEventListener("submit", searchSubmitted);
window.addEventListener("hashchange", route);
// a module runs deferred, before DOMContentLoaded; should it ever run later, route at once
if (document.readyState === "loading") window.addEventListener("DOMContentLoaded", route);
else route();
