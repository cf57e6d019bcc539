/* The vendored libraries (api/static/vendor/, written by scripts/vendor.py), loaded on demand by the view
   that needs them: classic scripts and their style sheets, from this host only, each once. LIBRARIES
   names the globals each one defines: those are the only globals the explorer adds to window (the
   browser test holds every view to that). */

export const LIBRARIES = {
  // YASGUI sets Yasqe and Yasr on window itself; __apiStruct is a stray var of the DataTables it bundles
  yasgui: { scripts: ["yasgui/yasgui.min.js"], styles: ["yasgui/yasgui.min.css"], globals: ["Yasgui", "Yasqe", "Yasr", "__apiStruct"] },
  cytoscape: {
    // fcose is built on cose-base, itself on layout-base: they load in this order
    scripts: ["cytoscape/cytoscape.min.js", "layout-base/layout-base.js", "cose-base/cose-base.js",
      "cytoscape-fcose/cytoscape-fcose.js"],
    styles: [],
    globals: ["cytoscape", "layoutBase", "coseBase", "cytoscapeFcose"],
  },
  codemirror: {
    scripts: ["codemirror/codemirror.js", "codemirror/javascript.js", "codemirror/show-hint.js",
      "codemirror/lint.js", "codemirror/matchbrackets.js", "codemirror/closebrackets.js"],
    styles: ["codemirror/codemirror.css", "codemirror/show-hint.css", "codemirror/lint.css"],
    globals: ["CodeMirror"],
  },
};

const loading = new Map();

function tag(name, attrs) {
  return new Promise((resolve, reject) => {
    const node = document.createElement(name);
    Object.assign(node, attrs);
    node.onload = () => resolve(node);
    node.onerror = () => reject(new Error(`could not load ${attrs.src || attrs.href}`));
    document.head.append(node);
  });
}

/* Load a library by its name in LIBRARIES (once; later calls wait for the same load). */
export function loadLibrary(name) {
  if (!loading.has(name)) {
    const lib = LIBRARIES[name];
    if (!lib) throw new Error(`no vendored library ${name}`);
    loading.set(name, (async () => {
      await Promise.all(lib.styles.map((s) => tag("link", { rel: "stylesheet", href: `/static/vendor/${s}` })));
      for (const s of lib.scripts) await tag("script", { src: `/static/vendor/${s}`, async: false });
    })());
  }
  return loading.get(name);
}
