/* Reading the service's JSON routes (same origin: no other host is ever asked). */

/* The JSON body of a GET (or of `options`); an answer that is not 2xx throws with the problem's detail. */
export async function getJSON(url, options = {}) {
  const r = await fetch(url, options);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.detail || `${r.status} ${r.statusText}`);
  return body;
}
