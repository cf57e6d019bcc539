/* Links inside the explorer: a provision is opened at #/p/<notation>. */
import { el } from "./dom.js";

export const enc = encodeURIComponent;

export const link = (notation, text) => el("a", { href: `#/p/${enc(notation)}` }, text || notation);
