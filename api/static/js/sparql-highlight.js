/* SPARQL syntax highlighting for the editor's mirror <pre>: the query is escaped, then wrapped in spans. */

const KEYWORDS = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE|WHERE|PREFIX|BASE|OPTIONAL|FILTER|UNION|GRAPH|VALUES|BIND|AS|ORDER|BY|GROUP|HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|NOT|EXISTS|MINUS|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|DESC|ASC|IF|COALESCE|STR|LANG|REGEX|CONTAINS|STRSTARTS|LCASE|UCASE|BOUND|IN|a|true|false)\b/gi;

/* The query as HTML (every character of it escaped), ending with a newline like the textarea. */
export function highlight(src) {
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const re = /(#[^\n]*)|("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|(<[^\s<>]*>)|([?$][A-Za-z_][\w]*)|([A-Za-z][\w-]*:[\w\-.]*)|([A-Za-z_]+)|([\s\S])/g;
  let out = "", m;
  while ((m = re.exec(src)) !== null) {
    const [t, com, str, iri, v, pn, word] = m;
    if (com) out += `<span class="tok-com">${esc(com)}</span>`;
    else if (str) out += `<span class="tok-str">${esc(str)}</span>`;
    else if (iri) out += `<span class="tok-iri">${esc(iri)}</span>`;
    else if (v) out += `<span class="tok-var">${esc(v)}</span>`;
    else if (pn) out += `<span class="tok-pn">${esc(pn)}</span>`;
    else if (word && word.match(KEYWORDS)) out += `<span class="tok-kw">${esc(word)}</span>`;
    else out += esc(t);
  }
  return out + "\n";
}
