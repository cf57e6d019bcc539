/* #/validate — paste, upload or pick a model description, validate it as of a date, read the report (the
   verdict first, then what to add) and download it (JSON, or SHACL in Turtle). The description is edited
   in a schema-aware editor (editor-description.js); a Hugging Face model card pasted or uploaded is read
   by POST /describe into a JSON description, with where each key came from and what the card does not
   say, to complete and validate like any description. */
import { getJSON } from "../api.js";
import { download, el } from "../dom.js";
import { descriptionEditor, kindOf, mediaOf } from "../editor-description.js";
import { enc } from "../links.js";
import { show } from "../page.js";
import { reportView } from "../report.js";
import { loadLibrary } from "../vendor.js";

/* The panel of a card read: where each key came from, what the card does not say, what it says besides. */
function cardPanel(name, body) {
  const rows = Object.entries(body.provenance);
  const notes = Object.entries(body.notes || {});
  return el("section", { id: "card-panel", class: "card-panel", "aria-labelledby": "card-panel-title" },
    el("h2", { id: "card-panel-title", text: `Read from the model card${name ? ` ${name}` : ""}` }),
    el("p", {}, "The editor now holds the description the card yields. Check it, add what the card does not say, then validate it."),
    el("h3", { text: "Where each key came from" }),
    el("div", { class: "table-wrap" }, el("table", { id: "card-provenance" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Key" }), el("th", { scope: "col", text: "From" }))),
      el("tbody", {}, rows.map(([key, from]) => el("tr", {}, el("td", {}, el("code", { text: key })), el("td", { text: from })))))),
    el("h3", { text: "What to add" }),
    body.missing.length
      ? [el("p", {}, "The card does not say these, and the validation needs them:"),
        el("ul", { id: "card-missing", class: "keys" }, body.missing.map((k) => el("li", {}, el("code", { text: k }))))]
      : el("p", { id: "card-missing", text: "Nothing: the card gives every key the validation asks for." }),
    notes.length ? [el("h3", { text: "The card also says (not facts)" }),
      el("dl", { id: "card-notes" }, notes.map(([k, v]) => [el("dt", {}, el("code", { text: k })), el("dd", { text: v })]))] : null);
}

export async function validatePage() {
  // the editor library loads with the rest: the editor is there as soon as the form is
  const [examples, schema] = await Promise.all([getJSON("/examples"), getJSON("/schema").catch(() => null),
    loadLibrary("codemirror")]);
  const text = el("textarea", { id: "description", class: "plain", spellcheck: "false",
    placeholder: '{"name": "MyModel-7B", "training_compute_flop": 2e24, ...}' });
  const pick = el("select", { id: "example" }, el("option", { value: "" }, "— choose —"), examples.map((e) => el("option", { value: e }, e)));
  const file = el("input", { id: "upload", type: "file", accept: ".json,.yaml,.yml,.ttl,.jsonld,.md" });
  const asOf = el("input", { id: "as-of", type: "date", value: new Date().toISOString().slice(0, 10) });
  const hint = el("p", { id: "editor-hint", class: "hint" });
  const problems = el("ul", { id: "description-problems", class: "problems", "aria-live": "polite", hidden: true });
  const card = el("div", { id: "card", "aria-live": "polite" });
  const out = el("div", { id: "result", "aria-live": "polite" });
  let last = null;
  let ready = null;  // the editor, once made (the controls wait for it)

  const describe = async (body, fileName = "") => {
    card.replaceChildren(el("p", { text: "Reading the model card…" }));
    const query = new URLSearchParams({ as_of: asOf.value });
    if (fileName) query.set("file_name", fileName);
    const r = await fetch(`/describe?${query}`, { method: "POST", body, headers: { "content-type": "text/markdown" } });
    const answer = await r.json();
    if (!r.ok) {
      card.replaceChildren(el("p", { class: "error", role: "alert" }, `This model card cannot be read: ${answer.detail}`));
      return;
    }
    (await ready).set(JSON.stringify(answer.description, null, 2) + "\n");
    card.replaceChildren(cardPanel(fileName, answer));
  };
  const fill = async (body, fileName = "") => {
    (await ready).set(body);
    out.replaceChildren();
    if (/\.md$/i.test(fileName) || kindOf(body) === "card") await describe(body, fileName);
    else card.replaceChildren();
  };
  pick.addEventListener("change", async () => {
    if (pick.value) await fill(await (await fetch(`/examples/${enc(pick.value)}`)).text());
  });
  file.addEventListener("change", async () => { if (file.files[0]) await fill(await file.files[0].text(), file.files[0].name); });

  const run = async (accept) => {
    const body = (await ready).value();
    return fetch(`/validate?as_of=${asOf.value}`, { method: "POST", body, headers: { "content-type": mediaOf(body), accept } });
  };
  const submit = async (ev) => {
    ev.preventDefault();
    out.replaceChildren(el("p", { text: "Validating…" }));
    const r = await run("application/json");
    const body = await r.json();
    if (!r.ok) { out.replaceChildren(el("p", { class: "error", role: "alert" }, body.detail)); return; }
    last = body;
    // the result opens with the verdict and what to add; the downloads come after them
    out.replaceChildren(reportView(body, el("div", { class: "form-row" },
      el("button", { type: "button", class: "secondary", onclick: () => download(`${last.model}-report.json`, JSON.stringify(last, null, 2), "application/json") }, "Download JSON report"),
      el("button", { type: "button", class: "secondary", onclick: async () => download(`${last.model}-shacl.ttl`, await (await run("text/turtle")).text(), "text/turtle") }, "Download SHACL report (Turtle)"))));
    document.getElementById("verdict").scrollIntoView({ block: "start" });
  };
  show(el("h1", { text: "Validate a model description" }),
    el("p", {}, "Paste or upload a description (JSON, YAML or Turtle; see ", el("a", { href: "/docs" }, "the API"),
      "), or a Hugging Face model card (README.md with YAML front matter), or pick an example."),
    el("form", { id: "validate-form", class: "validate-form", onsubmit: submit },
      el("div", { class: "form-row" }, el("label", { for: "example" }, "Example", pick), el("label", { for: "upload" }, "Upload a file or model card", file),
        el("label", { for: "as-of" }, "Assess as of", asOf)),
      el("label", { for: "description" }, "Model description"),
      el("div", { class: "editor-box" }, text), hint, problems, card,
      el("div", { class: "form-row" }, el("button", { type: "submit" }, "Validate"))),
    out);
  // CodeMirror replaces the textarea in place (it stays in the form, hidden, and holds the same text)
  ready = descriptionEditor(text, {
    schema, hint, problems, label: "Model description",
    onChange: (value, origin) => {
      if ((origin === "paste" || origin === "setValue" || origin === "drop") && kindOf(value) === "card") describe(value);
    },
  });
  await ready;
}
