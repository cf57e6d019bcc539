/* The description editor of the validation view: CodeMirror 5 (vendored, loaded through vendor.js) over
   the form's textarea, which it keeps up to date (the form and the tests read it). For JSON it knows the
   description schema (GET /schema): Ctrl+Space, or a quote typed where a key or a value goes, offers the
   keys valid in the object at the cursor (with what each means) and the values an enum allows; JSON
   syntax errors and schema errors are marked where they are (the lint add-on) and listed under the
   editor. YAML and Turtle are edited as plain text: the service checks them when they are validated. */
import { loadLibrary } from "./vendor.js";
import { checkSchema, contextAt, keysAt, parseJSON, valuesAt } from "./schema-check.js";

/* What a text is, from its first characters: "card" (a model card: YAML front matter between two ---
   lines, as the Hub reads it), "json", "turtle" or "yaml". */
export function kindOf(text) {
  const t = text.replace(/^\uFEFF/, "").trimStart();
  if (/^---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/.test(t)) return "card";
  if (t.startsWith("{") || t.startsWith("[")) return "json";
  if (t.startsWith("@prefix") || t.startsWith("@base") || t.startsWith("<") || /^(PREFIX|BASE)\s/i.test(t)) return "turtle";
  return "yaml";
}

/* The media type to send a description as. */
export function mediaOf(text) {
  return { json: "application/json", turtle: "text/turtle" }[kindOf(text)] || "application/yaml";
}

const HINTS = {
  json: "JSON: checked against the description schema as you type; Ctrl+Space (or a quote) completes keys and values.",
  yaml: "YAML: not checked here (only JSON is checked against the schema as you type); the service checks it when you validate.",
  turtle: "Turtle: not checked here (only JSON is checked against the schema as you type); the service checks it when you validate.",
  card: "A model card: it is read into a JSON description (POST /describe), which you can then complete and validate.",
};
const EMPTY_HINT = "Write JSON (checked against the schema as you type; Ctrl+Space completes keys), YAML or Turtle, or paste a model card.";

function short(text, n = 110) {
  return text.length > n ? `${text.slice(0, n - 1).trimEnd()}…` : text;
}

/* descriptionEditor(textarea, {schema, hint, problems, onChange}) -> {cm, value(), set(text)}.
   hint: the element under the editor that says how the text is checked; problems: a list element that
   gets one item per mark; onChange(text, origin): after every change not made by set(). */
export async function descriptionEditor(textarea, { schema = null, hint, problems, label, onChange = () => {} }) {
  await loadLibrary("codemirror");
  const CodeMirror = window.CodeMirror;
  let quiet = false;

  function complete(cm) {
    const cursor = cm.getCursor();
    const text = cm.getValue();
    if (!schema || kindOf(text) !== "json") return null;
    const offset = cm.indexFromPos(cursor);
    const ctx = contextAt(text, offset);
    if (!ctx.where) return null;
    const closing = ctx.string && text[offset] === '"' ? 1 : 0;
    const from = ctx.string ? cm.posFromIndex(ctx.string.start) : cm.posFromIndex(offset - ctx.word.length);
    const to = cm.posFromIndex(offset + closing);
    const typed = (ctx.string ? ctx.string.prefix : ctx.word).toLowerCase();
    const fits = (name) => name.toLowerCase().startsWith(typed);
    const near = (name) => !fits(name) && name.toLowerCase().includes(typed);
    let list;
    if (ctx.where === "key") {
      const keys = keysAt(schema, ctx.path).filter((k) => !ctx.keys.has(k.key) || (ctx.string && k.key === ctx.string.prefix));
      list = [...keys.filter((k) => fits(k.key)), ...keys.filter((k) => near(k.key))].map((k) => ({
        text: `"${k.key}": `,
        displayText: k.key,
        key: k.key,
        render(node) {
          node.append(Object.assign(document.createElement("b"), { textContent: k.key }));
          if (k.description) {
            node.append(Object.assign(document.createElement("span"), { className: "hint-doc", textContent: short(k.description) }));
            node.title = k.description;
          }
        },
      }));
    } else {
      const values = valuesAt(schema, ctx.path).map((v) => JSON.stringify(v));
      const bare = (v) => v.replace(/^"|"$/g, "");
      list = [...values.filter((v) => fits(bare(v))), ...values.filter((v) => near(bare(v)))].map((v) => ({ text: v, displayText: v }));
    }
    if (!list.length) return null;
    const result = { list, from, to };
    CodeMirror.on(result, "pick", (picked) => {
      // a key whose values are few: offer them next
      if (picked.key && valuesAt(schema, [...ctx.path, picked.key]).length) setTimeout(() => cm.showHint(), 0);
    });
    return result;
  }

  function lint(text, _options, cm) {
    const kind = kindOf(text);
    if (kind !== "json" || !text.trim()) return [];
    const pos = (i) => cm.posFromIndex(i);
    const parsed = parseJSON(text);
    if (parsed.error) {
      const { at, message } = parsed.error;
      const start = Math.max(0, Math.min(at, text.length - 1));
      return [{ from: pos(start), to: pos(start + 1), message: `JSON: ${message}`, severity: "error" }];
    }
    if (!schema) return [];
    return checkSchema(parsed.node, schema).map((e) => ({
      from: pos(e.from), to: pos(Math.max(e.to, e.from + 1)), message: e.message, severity: "error",
    }));
  }

  function listProblems(annotations) {
    if (!problems) return;
    const sorted = [...annotations].sort((a, b) => a.from.line - b.from.line || a.from.ch - b.from.ch);
    problems.replaceChildren(...sorted.map((a) => {
      const item = document.createElement("li");
      const go = Object.assign(document.createElement("button"), { type: "button", className: "link-like",
        textContent: `Line ${a.from.line + 1}` });
      go.addEventListener("click", () => { cm.focus(); cm.setSelection(a.from, a.to); cm.scrollIntoView(a.from, 60); });
      item.append(go, `: ${a.message}`);
      return item;
    }));
    problems.hidden = sorted.length === 0;
  }

  const cm = CodeMirror.fromTextArea(textarea, {
    mode: { name: "javascript", json: true },
    lineNumbers: true,
    lineWrapping: true,
    matchBrackets: true,
    autoCloseBrackets: true,
    tabSize: 2,
    indentUnit: 2,
    viewportMargin: Infinity,
    gutters: ["CodeMirror-linenumbers", "CodeMirror-lint-markers"],
    extraKeys: { "Ctrl-Space": "autocomplete", "Cmd-Space": "autocomplete", Tab: false, "Shift-Tab": false },
    hintOptions: { hint: complete, completeSingle: false },
    lint: { getAnnotations: lint, delay: 250, onUpdateLinting: listProblems },
    screenReaderLabel: label,
  });
  // CodeMirror types into a hidden textarea of its own: it is named like the form's, and the label
  // of the form's textarea focuses the editor
  cm.getInputField().setAttribute("aria-label", label);
  for (const l of textarea.labels || []) l.addEventListener("click", () => cm.focus());
  cm.getWrapperElement().classList.add("description-editor");

  let shownKind;  // undefined: nothing shown yet
  function follow(text) {
    const kind = text.trim() ? kindOf(text) : null;
    if (kind === shownKind) return;
    shownKind = kind;
    cm.setOption("mode", kind === "json" || kind === null ? { name: "javascript", json: true } : "text/plain");
    if (hint) hint.textContent = kind ? HINTS[kind] : EMPTY_HINT;
    cm.getWrapperElement().dataset.kind = kind || "empty";
  }
  follow(cm.getValue());
  cm.on("change", (_, change) => {
    cm.save();
    const text = cm.getValue();
    follow(text);
    if (!quiet) onChange(text, change.origin);
    // a quote typed where a key or a value goes opens the completion
    if (change.origin === "+input" && ['"', '""'].includes(change.text.join("\n")) && !cm.state.completionActive) {
      setTimeout(() => {
        if (kindOf(cm.getValue()) === "json" && contextAt(cm.getValue(), cm.indexFromPos(cm.getCursor())).where) cm.showHint();
      }, 0);
    }
  });
  return {
    cm,
    value: () => cm.getValue(),
    set(text) { quiet = true; try { cm.setValue(text); } finally { quiet = false; } cm.save(); },
  };
}
