/* The page's content area: each view replaces it whole, and an error takes its place. */
import { el } from "./dom.js";

const main = () => document.getElementById("main");

let navigated = false;  // focus moves to the content on navigation, not on the first load (skip link first)

/* A new page opens at its top (a view that names a place in it, a permalink, scrolls there after). */
export function show(...nodes) {
  const m = main();
  m.replaceChildren(...nodes);
  if (navigated) m.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  menu(false);
  navigated = true;
}

export function fail(err) {
  show(el("h1", { text: "Something went wrong" }), el("p", { class: "error", role: "alert", text: err.message }));
}

/* On a narrow screen the header's sections fold behind its Menu button (app.css); a new page folds them. */
function menu(open) {
  const button = document.querySelector("header.top .menu-toggle");
  if (!button) return;
  button.setAttribute("aria-expanded", String(open));
  button.closest("header").classList.toggle("open", open);
}

document.addEventListener("click", (ev) => {
  const button = ev.target.closest && ev.target.closest("header.top .menu-toggle");
  if (button) menu(button.getAttribute("aria-expanded") !== "true");
});
