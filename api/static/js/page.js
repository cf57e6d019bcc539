/* The page's content area: each view replaces it whole, and an error takes its place. */
import { el } from "./dom.js";

const main = () => document.getElementById("main");

let navigated = false;  // focus moves to the content on navigation, not on the first load (skip link first)

export function show(...nodes) {
  const m = main();
  m.replaceChildren(...nodes);
  if (navigated) m.focus({ preventScroll: true });
  navigated = true;
}

export function fail(err) {
  show(el("h1", { text: "Something went wrong" }), el("p", { class: "error", role: "alert", text: err.message }));
}
