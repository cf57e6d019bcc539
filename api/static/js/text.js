/* The Act's words as DOM: superscripts and cross-references. Text nodes and elements only, never HTML
   from the data. */
import { el } from "./dom.js";
import { link } from "./links.js";

/* Plain text with its superscripts: the graph writes 10 to the power 25 as "10^25" (docs/notation.md). */
export function rich(text) {
  return text.split(/\^(\d+)/).map((part, i) => (i % 2 ? el("sup", {}, part) : part));
}

/* Text with its cross-references as links. refs: [{start, end, targets: [{notation, iri, internal}]}];
   offsets count in the plain text, so the text is cut at them first and each piece rendered after. */
export function linked(text, refs) {
  const out = [];
  let at = 0;
  for (const r of refs || []) {
    if (r.start < at || r.end > text.length) continue;
    out.push(rich(text.slice(at, r.start)));
    const [first, ...rest] = r.targets;
    const a = first.internal ? link(first.notation, text.slice(r.start, r.end))
      : el("a", { href: first.iri, rel: "noopener", title: first.notation }, text.slice(r.start, r.end));
    a.classList.add("xref");
    a.setAttribute("data-target", first.notation);
    out.push(a);
    if (rest.length) {
      out.push(el("span", { class: "more" }, " [", rest.flatMap((t, i) => [i ? ", " : "",
        t.internal ? link(t.notation) : el("a", { href: t.iri, rel: "noopener" }, t.notation)]), "]"));
    }
    at = r.end;
  }
  out.push(rich(text.slice(at)));
  return out;
}
