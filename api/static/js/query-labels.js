/* YASGUI draws a few controls with no label (the tab name field, the endpoint field, the result filter,
   the page size, CodeMirror's hidden textarea…): give each an aria-label, from its title or placeholder,
   else from what it is. Controls that are labelled already are left as they are. */

const NAMES = [  // selector within YASGUI → what the control is, when it says nothing itself
  [".CodeMirror textarea", "SPARQL query"],
  [".endpointText, .autocomplete", "SPARQL endpoint"],
  [".tabPanel input, .tab input, .renameTab input", "Tab name"],
  [".tableFilter, .dataTables_filter input", "Filter the results"],
  [".tableSizer, .dataTables_length select", "Rows per page"],
];

/* The text of a label YASGUI put beside the control, not tied to it ("Accept Headers: Ask / Select"). */
function nearby(node) {
  const box = node.closest(".requestConfigWrapper");
  const own = node.parentElement && node.parentElement.querySelector(":scope > .label");
  const parts = [box && box.querySelector(":scope > .label"), own].filter(Boolean).map((l) => l.textContent.trim());
  return parts.length ? parts.join(": ") : "";
}

function labelled(node) {
  return (node.labels && node.labels.length) || node.getAttribute("aria-label") || node.getAttribute("aria-labelledby");
}

export function labelControls(root) {
  for (const node of root.querySelectorAll("input, select, textarea")) {
    if (labelled(node)) continue;
    const named = NAMES.find(([sel]) => node.matches(sel));
    const text = (named && named[1]) || node.getAttribute("title") || node.getAttribute("placeholder") || nearby(node)
      || (node.type === "checkbox" ? "Option" : node.tagName === "SELECT" ? "Choose" : "Text");
    node.setAttribute("aria-label", text);
  }
}
