/* A small force-directed layout: nodes repel, references pull, everything drifts to the centre. */

/* nodes: [{id}], edges: [{source, target}] → Map id → {x, y} inside width × height (deterministic). */
export function layout(nodes, edges, width, height) {
  const pos = new Map(nodes.map((n, i) => [n.id, { x: width / 2 + 200 * Math.cos(i), y: height / 2 + 150 * Math.sin(i * 1.7), vx: 0, vy: 0 }]));
  for (let step = 0; step < 300; step++) {
    for (const a of nodes) for (const b of nodes) {
      if (a === b) continue;
      const p = pos.get(a.id), q = pos.get(b.id);
      const dx = p.x - q.x, dy = p.y - q.y, d2 = dx * dx + dy * dy + 0.01;
      const f = 2500 / d2; p.vx += dx * f / Math.sqrt(d2); p.vy += dy * f / Math.sqrt(d2);
    }
    for (const e of edges) {
      const p = pos.get(e.source), q = pos.get(e.target);
      if (!p || !q) continue;
      const dx = q.x - p.x, dy = q.y - p.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01, f = (d - 90) * 0.02;
      p.vx += dx / d * f; p.vy += dy / d * f; q.vx -= dx / d * f; q.vy -= dy / d * f;
    }
    for (const p of pos.values()) {
      p.vx += (width / 2 - p.x) * 0.005; p.vy += (height / 2 - p.y) * 0.005;
      p.x = Math.min(width - 30, Math.max(30, p.x + p.vx * 0.5)); p.y = Math.min(height - 20, Math.max(20, p.y + p.vy * 0.5));
      p.vx *= 0.6; p.vy *= 0.6;
    }
  }
  return pos;
}
