/* DOM helpers: build elements from plain values (text nodes, never HTML from the data) and save a file. */

/* el("a", {href, text, onclick, ...}, ...children): attributes set, "on…" keys become listeners,
   null/undefined/false attributes and children are left out, arrays of children are flattened. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

/* Offer text as a file to save, without a round trip to the server. */
export function download(name, text, type) {
  const a = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a); a.click(); a.remove();
}
