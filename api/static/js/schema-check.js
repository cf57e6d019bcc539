/* JSON read with the place of every key and value, checked against a JSON Schema, and the schema that
   applies at a place of a text being typed: what the validation view's editor marks and completes.

   parseJSON(text) -> {node} or {error: {message, at}}: a node is {kind, value, start, end} (offsets in
   the text), an object's also has members [{key, keyStart, keyEnd, value: node}], an array's items.
   checkSchema(node, schema) -> [{from, to, path, message}]: the keywords the description schema
   (docs/description.schema.json) uses and a few more: type, enum, const, properties, required,
   additionalProperties, items, minItems/maxItems, minimum/maximum (and exclusive), minLength/maxLength,
   pattern, format "date", anyOf/oneOf/allOf, $ref to "#/..." ($defs, definitions).
   contextAt(text, offset) -> where a completion would go: a key of the object at a path, or a value. */

const MAX_DEPTH = 100;
const KIND_NAMES = { object: "an object", array: "a list", string: "text", number: "a number",
  boolean: "true or false", null: "null" };

/* -- JSON with places ------------------------------------------------------------------------------- */

export function parseJSON(text) {
  let i = 0;
  const fail = (message, at = i) => { throw { json: true, message, at }; };
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
  const shown = (at) => (at >= text.length ? "the end of the text" : `'${text[at]}'`);
  function string() {
    const start = i++;
    let out = "";
    while (i < text.length) {
      const c = text[i];
      if (c === '"') { i++; return { kind: "string", value: out, start, end: i }; }
      if (c === "\\") {
        const e = text[i + 1];
        const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) { out += simple[e]; i += 2; continue; }
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; continue;
        }
        fail("a backslash in a string starts an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
      }
      if (c < " ") fail(c === "\n" ? "the string is not closed on its line (a \" is missing)" : "a control character in a string: write it as an escape");
      out += c; i++;
    }
    fail("the string is not closed (a \" is missing)", start);
  }
  function number() {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(`${shown(i)} cannot start a value: write a number, "text", true, false, null, [ or {`);
    const start = i;
    i += m[0].length;
    return { kind: "number", value: Number(m[0]), start, end: i };
  }
  let depth = 0;
  const nested = (read) => {  // the service refuses a description nested deeper; so does the editor
    if (++depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const node = read();
    depth--;
    return node;
  };
  function value() {
    ws();
    const c = text[i];
    if (c === "{") return nested(object);
    if (c === "[") return nested(array);
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
      if (text.startsWith(word, i)) { const start = i; i += word.length; return { kind: v === null ? "null" : "boolean", value: v, start, end: i }; }
    }
    if (c === "'") fail("strings are written in double quotes (\") in JSON");
    if (i >= text.length) fail("a value is missing before the end of the text");
    return number();
  }
  function object() {
    const node = { kind: "object", start: i++, members: [] };
    ws();
    if (text[i] === "}") { i++; node.end = i; return node; }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(text[i] === "}" ? "a comma before } is not allowed in JSON" : `a key in double quotes was expected, not ${shown(i)}`);
      const key = string();
      ws();
      if (text[i] !== ":") fail(`a ':' was expected after the key "${key.value}", not ${shown(i)}`);
      i++;
      const v = value();
      node.members.push({ key: key.value, keyStart: key.start, keyEnd: key.end, value: v });
      ws();
      if (text[i] === ",") { i++; continue; }
      if (text[i] === "}") { i++; node.end = i; return node; }
      fail(`a ',' or '}' was expected, not ${shown(i)}`);
    }
  }
  function array() {
    const node = { kind: "array", start: i++, items: [] };
    ws();
    if (text[i] === "]") { i++; node.end = i; return node; }
    for (;;) {
      ws();
      if (text[i] === "]") fail("a comma before ] is not allowed in JSON");
      node.items.push(value());
      ws();
      if (text[i] === ",") { i++; continue; }
      if (text[i] === "]") { i++; node.end = i; return node; }
      fail(`a ',' or ']' was expected, not ${shown(i)}`);
    }
  }
  try {
    const node = value();
    ws();
    if (i < text.length) fail(`the text goes on after the description: ${shown(i)}`);
    return { node };
  } catch (err) {
    if (err && err.json) return { error: { message: err.message, at: Math.min(err.at, text.length) } };
    throw err;
  }
}

/* -- the schema ------------------------------------------------------------------------------------- */

function resolve(schema, root) {
  let s = schema, seen = 0;
  while (s && typeof s === "object" && typeof s.$ref === "string" && seen++ < 20) {
    if (!s.$ref.startsWith("#")) return true;  // a remote schema is never fetched: not checked
    const target = s.$ref.slice(1).split("/").filter(Boolean)
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((at, p) => (at && typeof at === "object" ? at[p] : undefined), root);
    const { $ref, ...rest } = s;
    s = Object.keys(rest).length ? { allOf: [target, rest] } : target;
  }
  return s === undefined ? true : s;
}

/* The schemas that apply to a value (a $ref followed, the branches of anyOf/oneOf/allOf spread out). */
export function branches(schema, root) {
  const s = resolve(schema, root);
  if (!s || typeof s !== "object") return [];
  const out = [s];
  for (const k of ["anyOf", "oneOf", "allOf"]) for (const b of s[k] || []) out.push(...branches(b, root));
  return out;
}

const typesOf = (s) => (s.type === undefined ? null : [].concat(s.type));
function kindFits(node, type) {
  if (type === "integer") return node.kind === "number" && Number.isInteger(node.value);
  return node.kind === type;
}
/* Whether a schema (without its branches) could take a value of this kind at all. */
function takesKind(node, s, root) {
  s = resolve(s, root);
  if (s === true || s === undefined) return true;
  if (s === false) return false;
  const types = typesOf(s);
  if (types) return types.some((t) => kindFits(node, t));
  if (s.enum) return s.enum.some((v) => kindOfValue(v) === node.kind);
  const alts = s.anyOf || s.oneOf;
  if (alts) return alts.some((b) => takesKind(node, b, root));
  return true;
}
function kindOfValue(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "number" ? "number" : typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : "object";
}
function expectedKinds(s, root, out = new Set()) {
  s = resolve(s, root);
  if (!s || typeof s !== "object") return out;
  for (const t of typesOf(s) || []) out.add(t === "integer" ? "a whole number" : KIND_NAMES[t] || t);
  if (!typesOf(s) && s.enum) for (const v of s.enum) out.add(KIND_NAMES[kindOfValue(v)]);
  for (const b of s.anyOf || s.oneOf || []) expectedKinds(b, root, out);
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const plain = (node) => (node.kind === "object" || node.kind === "array" ? undefined : node.value);
const listed = (values, n = 12) => values.slice(0, n).map((v) => JSON.stringify(v)).join(", ") + (values.length > n ? `, … (${values.length} in all)` : "");

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}
/* The closest known name to a misspelt one, if it is close. */
export function closest(word, names) {
  let best = null, score = Infinity;
  for (const n of names) {
    const s = distance(word.toLowerCase(), n.toLowerCase());
    if (s < score) { best = n; score = s; }
  }
  return best !== null && score <= Math.max(2, Math.floor(word.length / 4)) ? best : null;
}

function validDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/* Every schema error of a value: {from, to, path, message}, at the value or at the key concerned. */
export function checkSchema(node, schema, root = schema) {
  const errors = [];
  check(node, schema, root, [], errors);
  return errors;
}

const dotted = (path) => path.join(".").replace(/\.\[/g, "[");
const at = (path) => (path.length ? `${dotted(path)}: ` : "");

function check(node, schema, root, path, errors) {
  const s = resolve(schema, root);
  const err = (message, from = node.start, to = node.end) => errors.push({ from, to, path: dotted(path), message: at(path) + message });
  if (s === true || s === undefined || s === null) return;
  if (s === false) { err("is not allowed here"); return; }
  const types = typesOf(s);
  if (types && !types.some((t) => kindFits(node, t))) {
    err(`expected ${[...expectedKinds(s, root)].join(" or ")}, not ${KIND_NAMES[node.kind]}`);
    return;
  }
  if (s.enum && !s.enum.some((v) => same(v, plain(node)))) err(`${JSON.stringify(plain(node)) ?? KIND_NAMES[node.kind]} is not allowed: one of ${listed(s.enum)}`);
  if ("const" in s && !same(s.const, plain(node))) err(`must be ${JSON.stringify(s.const)}`);
  if (node.kind === "string") {
    if (s.minLength !== undefined && [...node.value].length < s.minLength) err(s.minLength === 1 ? "must not be empty" : `must be at least ${s.minLength} characters`);
    if (s.maxLength !== undefined && [...node.value].length > s.maxLength) err(`must be at most ${s.maxLength} characters`);
    if (s.pattern) { try { if (!new RegExp(s.pattern, "u").test(node.value)) err(`does not match ${s.pattern}`); } catch { /* a pattern this browser cannot read: not checked */ } }
    if (s.format === "date" && !validDate(node.value)) err("must be a date, YYYY-MM-DD");
  }
  if (node.kind === "number") {
    if (s.minimum !== undefined && node.value < s.minimum) err(`must be at least ${s.minimum}`);
    if (s.maximum !== undefined && node.value > s.maximum) err(`must be at most ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && node.value <= s.exclusiveMinimum) err(`must be more than ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && node.value >= s.exclusiveMaximum) err(`must be less than ${s.exclusiveMaximum}`);
  }
  if (node.kind === "object") {
    const given = new Set(node.members.map((m) => m.key));
    for (const key of s.required || []) if (!given.has(key)) err(`the required key "${key}" is missing`, node.start, node.start + 1);
    const props = s.properties || {};
    for (const m of node.members) {
      const where = [...path, m.key];
      if (Object.prototype.hasOwnProperty.call(props, m.key)) check(m.value, props[m.key], root, where, errors);
      else if (s.additionalProperties === false) {
        const near = closest(m.key, Object.keys(props));
        errors.push({ from: m.keyStart, to: m.keyEnd, path: dotted(where),
          message: `${dotted(where)}: unknown key${near ? ` (did you mean "${near}"?)` : ""}` });
      } else if (s.additionalProperties && typeof s.additionalProperties === "object") check(m.value, s.additionalProperties, root, where, errors);
    }
    const seen = new Set();
    for (const m of node.members) {
      if (seen.has(m.key)) errors.push({ from: m.keyStart, to: m.keyEnd, path: dotted([...path, m.key]), message: `${dotted([...path, m.key])}: this key is given twice` });
      seen.add(m.key);
    }
  }
  if (node.kind === "array") {
    if (s.minItems !== undefined && node.items.length < s.minItems) err(`must hold at least ${s.minItems} item(s)`);
    if (s.maxItems !== undefined && node.items.length > s.maxItems) err(`must hold at most ${s.maxItems} item(s)`);
    if (s.items && typeof s.items === "object") node.items.forEach((item, n) => check(item, s.items, root, [...path, `[${n}]`], errors));
  }
  for (const b of s.allOf || []) check(node, b, root, path, errors);
  const alts = s.anyOf || s.oneOf;
  if (alts) {
    const tried = alts.map((b) => { const e = []; check(node, b, root, path, e); return e; });
    if (tried.some((e) => e.length === 0)) return;
    const fitting = alts.map((b, n) => [b, tried[n]]).filter(([b]) => takesKind(node, b, root));
    if (!fitting.length) { err(`expected ${[...expectedKinds(s, root)].join(" or ")}, not ${KIND_NAMES[node.kind]}`); return; }
    // a value that no list of values allows: one message naming them all (the modality keys and aliases)
    const enums = fitting.map(([b]) => resolve(b, root)).filter((b) => b && b.enum);
    if (enums.length === fitting.length && enums.length > 1) {
      const values = enums.flatMap((b) => b.enum);
      err(`${JSON.stringify(plain(node))} is not allowed: one of ${listed(values)}`);
      return;
    }
    errors.push(...fitting.map(([, e]) => e).sort((a, b) => a.length - b.length)[0]);
  }
}

/* -- completion ------------------------------------------------------------------------------------- */

/* What the text up to `offset` is in: {where: "key" | "value" | null, path (keys, "[]" for list items),
   keys (those the object already has), string: {start, prefix} when inside an unclosed string, word
   (a bare word being typed)}. */
export function contextAt(text, offset) {
  const stack = [];
  let expect = "value";  // at the top level: a value
  let i = 0, string = null;
  const top = () => stack[stack.length - 1];
  while (i < offset) {
    const c = text[i];
    if (" \t\r\n".includes(c)) { i++; continue; }
    if (c === "{" || c === "[") {
      const parent = top();
      stack.push({ kind: c === "{" ? "object" : "array", key: parent ? (parent.kind === "object" ? parent.current : "[]") : null, current: null, keys: new Set() });
      expect = c === "{" ? "key" : "value";
      i++; continue;
    }
    if (c === "}" || c === "]") { stack.pop(); expect = "comma"; i++; continue; }
    if (c === ":") { expect = "value"; i++; continue; }
    if (c === ",") { expect = top() && top().kind === "object" ? "key" : "value"; i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < offset && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (j >= offset) { string = { start: i, prefix: text.slice(i + 1, offset) }; break; }
      const value = text.slice(i + 1, j);
      if (expect === "key" && top()) { top().current = value; top().keys.add(value); expect = "colon"; } else expect = "comma";
      i = j + 1; continue;
    }
    let j = i;
    while (j < offset && !" \t\r\n{}[]:,\"".includes(text[j])) j++;
    if (j >= offset) return finish(text.slice(i, offset));
    expect = "comma"; i = j;
  }
  return finish("");
  function finish(word) {
    const t = top();
    const path = stack.slice(1).map((e) => e.key);
    if (t && t.kind === "object" && expect === "key") return { where: "key", path, keys: t.keys, string, word };
    if (t && expect === "value") {
      return { where: "value", path: t.kind === "object" ? [...path, t.current] : [...path, "[]"], keys: t.keys, string, word };
    }
    return { where: null, path, keys: new Set(), string, word };
  }
}

/* The schemas that apply at a path of keys ("[]": the items of a list). */
export function schemasAt(root, path) {
  let now = branches(root, root);
  for (const step of path) {
    const next = [];
    for (const s of now) {
      const sub = step === "[]" ? s.items : (s.properties || {})[step] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
      if (sub !== undefined) next.push(...branches(sub, root));
    }
    now = next;
  }
  return now;
}

/* The keys an object at `path` may have: [{key, description, schema}], in the schema's order. */
export function keysAt(root, path) {
  const out = new Map();
  for (const s of schemasAt(root, path)) {
    for (const [key, sub] of Object.entries(s.properties || {})) {
      if (out.has(key)) continue;
      const described = [sub, ...branches(sub, root)].find((b) => b && b.description);
      out.set(key, { key, description: described ? described.description : "", schema: sub });
    }
  }
  return [...out.values()];
}

/* The values a value at `path` may take, when they are few: enum values, true/false, null. */
export function valuesAt(root, path) {
  const out = [];
  const add = (v) => { if (!out.some((x) => same(x, v))) out.push(v); };
  for (const s of schemasAt(root, path)) {
    for (const v of s.enum || []) add(v);
    for (const t of typesOf(s) || []) {
      if (t === "boolean") { add(true); add(false); }
      if (t === "null") add(null);
    }
  }
  return out;
}
