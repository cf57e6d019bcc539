/* The Act's words as DOM: superscripts and cross-references. Text nodes and elements only, never HTML
   from the data. */
import { el } from "./dom.js";
import { link } from "./links.js";

/* Plain text with its superscripts: the graph writes 10 to the power 25 as "10^25" (docs/notation.md). */
export function rich(text) {
  return text.split(/\^(\d+)/).map((part, i) => (i % 2 ? el("sup", {}, part) : part));
}

/* How a further target reads after the first: the step that differs ("(b)" after Art. 53(1)(a), "55" after
   Art. 53), or the whole notation when the two differ more ("Annex XI, Section 1(2)(d)" after Annex XI). */
export function shortLabel(first, other) {
  const tail = (n) => (n.includes(" of ") ? n.slice(n.indexOf(" of ")) : "");
  const [a, b] = tail(first) === tail(other) && tail(other)
    ? [first.slice(0, -tail(first).length), other.slice(0, -tail(other).length)] : [first, other];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  while (i > 0 && b[i] !== "(" && b[i - 1] !== " ") i--;  // back to the start of the step that differs
  const step = b.slice(i);
  return i > 0 && step && !/[,;]| of /.test(step) ? step : other;
}

const targetLink = (t, text, attrs = {}) => {
  const a = t.internal ? link(t.notation, text) : el("a", { href: t.iri, rel: "noopener" }, text);
  for (const [k, v] of Object.entries(attrs)) a.setAttribute(k, v);
  return a;
};

/* Text with its cross-references as links. refs: [{start, end, targets: [{notation, iri, internal}]}];
   offsets count in the plain text, so the text is cut at them first and each piece rendered after. The
   words link to the first target they name; the others follow, small, in the order the words name them
   ("paragraph 1, points (a) and (b)" opens point (a); "→ (b)" after it opens point (b)). */
export function linked(text, refs) {
  const out = [];
  let at = 0;
  for (const r of refs || []) {
    if (r.start < at || r.end > text.length) continue;
    out.push(rich(text.slice(at, r.start)));
    const [first, ...rest] = r.targets;
    const a = targetLink(first, text.slice(r.start, r.end), { title: first.notation });
    a.classList.add("xref");
    a.setAttribute("data-target", first.notation);
    out.push(a);
    if (rest.length) {
      out.push(el("span", { class: "more" }, rest.map((t) => [" ", targetLink(t, "→ " + shortLabel(first.notation, t.notation),
        { class: "xref-more", "data-target": t.notation, title: t.notation, "aria-label": `also ${t.notation}` })])));
    }
    at = r.end;
  }
  out.push(rich(text.slice(at)));
  return out;
}
