#!/usr/bin/env node
// Chooses the Pipeline graph's layout library by measurement (issue 14 §3): for each candidate, the
// bytes it adds to the webview bundle (minified as shipped, and gzipped as in the .vsix) and the time
// it takes to lay out a 50- and a 200-stage pipeline shaped like real ones (layers of stages, each
// reading one to three outputs of earlier layers).
//
//   node scripts/measure-graph-layout.mjs
//
// Both candidates must be installed (npm install --no-save @dagrejs/dagre elkjs) to compare them;
// the project keeps only the winner.
import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Deterministic pseudo-random numbers (mulberry32), so every run lays out the same pipelines. */
function random(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `stages` stages in layers of up to 6; each stage after the first layer reads 1–3 earlier outputs. */
function pipeline(stages) {
  const rnd = random(stages);
  const nodes = [];
  const edges = [];
  for (let i = 0; i < stages; i++) {
    const layer = Math.floor(i / 6);
    nodes.push({ id: `stage_${i}`, width: 40 + Math.round(rnd() * 120), height: 36 });
    if (layer === 0) continue;
    const inputs = 1 + Math.floor(rnd() * 3);
    const seen = new Set();
    for (let k = 0; k < inputs; k++) {
      const from = Math.floor(rnd() * layer * 6);
      if (seen.has(from)) continue;
      seen.add(from);
      edges.push({ from: `stage_${from}`, to: `stage_${i}` });
    }
  }
  return { nodes, edges };
}

async function layoutDagre(graph) {
  const dagre = require('@dagrejs/dagre');
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 48 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  return g.nodes().length;
}

let elk;
async function layoutElk(graph) {
  const ELK = require('elkjs/lib/elk.bundled.js');
  elk ??= new ELK();
  const result = await elk.layout({
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.spacing.nodeNode': '24', 'elk.layered.spacing.nodeNodeBetweenLayers': '48' },
    children: graph.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  });
  return result.children.length;
}

const candidates = [
  { name: '@dagrejs/dagre', entry: "import dagre from '@dagrejs/dagre'; globalThis.lib = dagre;", layout: layoutDagre },
  { name: 'elkjs', entry: "import ELK from 'elkjs/lib/elk.bundled.js'; globalThis.lib = ELK;", layout: layoutElk },
];

async function bundleSize(entry) {
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { minified: bytes.length, gzipped: gzipSync(bytes).length };
}

async function timeLayout(layout, graph) {
  // Warm up the JIT once, then take the median of several runs (the machine is shared and noisy).
  await layout(graph);
  const times = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    await layout(graph);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const c of candidates) {
  const size = await bundleSize(c.entry);
  const t50 = await timeLayout(c.layout, pipeline(50));
  const t200 = await timeLayout(c.layout, pipeline(200));
  console.log(`${c.name.padEnd(16)} bundle +${kb(size.minified)} minified, +${kb(size.gzipped)} gzipped; layout 50 stages ${t50.toFixed(1)} ms, 200 stages ${t200.toFixed(1)} ms (median of 7)`);
}
