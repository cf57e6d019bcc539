/* #/validate — paste, upload or pick a model description, validate it as of a date, read the report (the
   verdict first, then what to add) and download it (JSON, or SHACL in Turtle). */
import { getJSON } from "../api.js";
import { download, el } from "../dom.js";
import { enc } from "../links.js";
import { show } from "../page.js";
import { reportView } from "../report.js";

/* The media type of a description, from its first characters. */
function mediaOf(text) {
  const t = text.trim();
  if (t.startsWith("{")) return "application/json";
  if (t.startsWith("@prefix") || t.startsWith("<") || t.startsWith("PREFIX")) return "text/turtle";
  return "application/yaml";
}

export async function validatePage() {
  const examples = await getJSON("/examples");
  const text = el("textarea", { id: "description", class: "plain", spellcheck: "false",
    placeholder: '{"name": "MyModel-7B", "training_compute_flop": 2e24, ...}' });
  const pick = el("select", { id: "example" }, el("option", { value: "" }, "— choose —"), examples.map((e) => el("option", { value: e }, e)));
  const file = el("input", { id: "upload", type: "file", accept: ".json,.yaml,.yml,.ttl,.jsonld" });
  const asOf = el("input", { id: "as-of", type: "date", value: new Date().toISOString().slice(0, 10) });
  const out = el("div", { id: "result", "aria-live": "polite" });
  let last = null;
  pick.addEventListener("change", async () => {
    if (pick.value) text.value = await (await fetch(`/examples/${enc(pick.value)}`)).text();
  });
  file.addEventListener("change", async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  const run = async (accept) => fetch(`/validate?as_of=${asOf.value}`, { method: "POST", body: text.value,
    headers: { "content-type": mediaOf(text.value), accept } });
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
    el("p", {}, "Paste or upload a description (JSON, YAML or Turtle; see ", el("a", { href: "/docs" }, "the API"), "), or pick an example."),
    el("form", { id: "validate-form", onsubmit: submit },
      el("div", { class: "form-row" }, el("label", { for: "example" }, "Example", pick), el("label", { for: "upload" }, "Upload a file", file),
        el("label", { for: "as-of" }, "Assess as of", asOf)),
      el("label", { for: "description" }, "Model description"), text,
      el("div", { class: "form-row" }, el("button", { type: "submit" }, "Validate"))),
    out);
}
